using System.Net;
using Microsoft.Playwright;
using VaasWeb.Processing.Accounts;
using VaasWeb.Tests.E2E.Browser.Pages;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Browser;

/// <summary>Accounts as people manage them: an admin makes an account, its owner signs in and makes and revokes a key.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AccountPagesTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private VaasApp _app = null!;

    public Task InitializeAsync()
    {
        _app = VaasApp.Start(_temp.Combine("data"));
        return Task.CompletedTask;
    }

    [Fact]
    public async Task AdminCreatesAnUploader_WhoSignsIn_MakesAKeyThatWorks_AndRevokesIt()
    {
        var admin = new AdminConsole(await (await browser.NewContextAsync(_app.BaseAddress)).NewPageAsync());
        await admin.OpenAsync();
        await admin.ShowTabAsync("Users");
        var page = admin.Page;
        await page.Locator("input[data-testid=new-user-email]").FillAsync("kim@example.com");
        await page.Locator("input[data-testid=new-user-password]").FillAsync("kims first password");
        await page.GetByTestId("create-user").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=user-row][data-email='kim@example.com']")).ToContainTextAsync("active");

        var kim = await (await browser.NewContextAsync(_app.BaseAddress, email: "")).NewPageAsync();
        var login = new LoginPage(kim);
        await login.OpenAsync();
        await login.SubmitAsync("kim@example.com", "wrong password");
        await Assertions.Expect(login.Error).ToContainTextAsync("Wrong e-mail or password");
        await login.SignInAsync("kim@example.com", "kims first password", "/account/keys");
        await Assertions.Expect(kim.GetByTestId("signed-in-as")).ToContainTextAsync(Roles.Uploader);
        await Assertions.Expect(kim.GetByTestId("circuit")).ToHaveAttributeAsync("data-live", "true");
        await kim.Locator("input[data-testid=key-name]").FillAsync("nightly import");
        await kim.GetByTestId("create-key").ClickAsync();
        var secret = await kim.GetByTestId("new-key-secret").InnerTextAsync();
        using var script = _app.CreateHttpClient(secret);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/tasks")).StatusCode);

        await kim.GetByTestId("revoke-key").ClickAsync();

        await Assertions.Expect(kim.Locator("[data-testid=key-row][data-revoked=true]")).ToHaveCountAsync(1);
        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/api/tasks")).StatusCode);
        await admin.ShowTabAsync("Audit log");
        await Assertions.Expect(admin.AuditEntries(AuditActions.UserCreate).Filter(new() { HasText = "kim@example.com" })).ToHaveCountAsync(1);
        await Assertions.Expect(admin.AuditEntries(AuditActions.ApiKeyRevoke)).ToContainTextAsync("kim@example.com");
        await Assertions.Expect(admin.AuditEntries(AuditActions.SignInFailed)).ToContainTextAsync("kim@example.com");
    }

    [Fact]
    public async Task UnknownAddress_SignedIn_ShowsTheNotFoundPageWithNavigation_Not_ABareError()
    {
        var page = await (await browser.NewContextAsync(_app.BaseAddress)).NewPageAsync();

        var response = await page.GotoAsync("/no-such-page");

        Assert.Equal(404, response!.Status);
        await Assertions.Expect(page.GetByText("There is nothing at this address")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Task board" }).First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("circuit")).ToHaveAttributeAsync("data-live", "true");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "not-found.png") });
    }

    [Fact]
    public async Task SignInPage_OpenedBySomeoneSignedIn_SaysWhoTheyAreAndWhereToGo()
    {
        var page = await (await browser.NewContextAsync(_app.BaseAddress)).NewPageAsync();

        await page.GotoAsync("/account/login?returnUrl=%2Fvideos");

        await Assertions.Expect(page.GetByTestId("already-signed-in")).ToContainTextAsync($"You are signed in as {VaasApp.AdminEmail}");
        await page.GetByTestId("already-signed-in").GetByRole(AriaRole.Link).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/videos$"));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _temp.Dispose();
    }
}
