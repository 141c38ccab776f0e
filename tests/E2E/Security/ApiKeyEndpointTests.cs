using System.Net;
using System.Net.Http.Json;
using VaasWeb.Processing.Accounts;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Security;

/// <summary><c>/api/keys</c>: a signed-in user makes, lists and revokes their own keys, and nobody else's.</summary>
public sealed class ApiKeyEndpointTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private VaasApp _app = null!;

    public Task InitializeAsync()
    {
        _app = VaasApp.Start(_temp.Combine("data"));
        return Task.CompletedTask;
    }

    [Fact]
    public async Task SignedInUser_MakesAKeyThatWorks_ListsItWithoutTheSecret_AndRevokesIt()
    {
        using var browser = SignInForm.Client(_app.BaseAddress);
        var email = await _app.CreateUserAsync(Roles.Uploader);
        Assert.True(await SignInForm.TrySignInAsync(browser, email, VaasApp.AdminPassword));

        var created = await browser.PostAsJsonAsync("/api/keys", new { name = "backup script" });
        var body = await SeedApiClient.ReadJsonAsync(created);
        var secret = body["key"]!.GetValue<string>();
        using var script = _app.CreateHttpClient(secret);
        var works = await script.GetAsync("/api/tasks");
        var listed = await browser.GetStringAsync("/api/keys");
        var revoked = await browser.DeleteAsync($"/api/keys/{body["id"]}");
        var afterRevoke = await script.GetAsync("/api/tasks");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/keys/{body["id"]}", created.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.OK, works.StatusCode);
        Assert.Contains("\"name\":\"backup script\"", listed);
        Assert.DoesNotContain(secret, listed);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevoke.StatusCode);
    }

    [Fact]
    public async Task SomeoneElsesKey_CannotBeSeenOrRevoked_AndANamelessKeyIs400()
    {
        var owner = await _app.CreateUserAsync(Roles.Admin);
        var ownersKey = await _app.ApiKeyForAsync(owner);
        using var other = _app.CreateHttpClient(await _app.ApiKeyForAsync(await _app.CreateUserAsync(Roles.Viewer)));
        var ownersKeyId = (await SeedApiClient.ReadJsonAsync(await _app.CreateHttpClient(ownersKey).PostAsJsonAsync("/api/keys", new { name = "mine" })))["id"]!;

        var listed = await other.GetStringAsync("/api/keys");
        var revoke = await other.DeleteAsync($"/api/keys/{ownersKeyId}");
        var nameless = await other.PostAsJsonAsync("/api/keys", new { name = "  " });

        Assert.DoesNotContain(ownersKeyId.ToString(), listed);
        Assert.Equal(HttpStatusCode.NotFound, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, nameless.StatusCode);
        Assert.Contains("name of 1 to 100 characters", await nameless.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _temp.Dispose();
    }
}
