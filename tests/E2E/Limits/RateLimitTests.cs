using System.Net;
using System.Net.Http.Json;
using System.Text;
using VaasWeb.Processing.Accounts;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Limits;

/// <summary>The per-account rate limits against the real app: 429 with Retry-After and a sentence, per account, per kind.</summary>
public sealed class RateLimitTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    [Fact]
    public async Task Uploads_OverTheLimit_Get429WithRetryAfter_OthersAndAdminsGoOn_AndTheWindowReopens()
    {
        // A window long enough that the three requests surely fall into one, short enough to wait out.
        await using var app = VaasApp.Start(_temp.Combine("data"), new Dictionary<string, string?>
        {
            ["Limits:Upload:PermitLimit"] = "2",
            ["Limits:Upload:WindowSeconds"] = "20",
            ["Ingestion:AutoStart"] = "false",
        });
        var video = await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 2), _temp.Combine("two.mp4"));
        var bytes = await File.ReadAllBytesAsync(video);
        using var uploaderHttp = app.CreateHttpClient(await app.ApiKeyForAsync(await app.CreateUserAsync(Roles.Uploader)));
        var uploader = new SeedApiClient(uploaderHttp);
        var tus = new TusClient(uploaderHttp);

        // One tus upload (its creation counts, its PATCH does not) and one multipart upload use up the window.
        var url = await tus.CreateUrlAsync(bytes.Length, "tus.mp4");
        var patched = await tus.PatchAsync(url, 0, bytes);
        var multipart = await uploader.UploadAsync(video);
        var refused = await uploader.UploadAsync(video);
        var refusedTus = await tus.CreateAsync(bytes.Length);

        Assert.Equal(HttpStatusCode.NoContent, patched.StatusCode);
        Assert.Equal(HttpStatusCode.OK, multipart.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, refusedTus.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var retryAfter = (int)refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds;
        Assert.InRange(retryAfter, 1, 20);
        var detail = (await SeedApiClient.ReadJsonAsync(refused))["detail"]!.GetValue<string>();
        Assert.StartsWith("Too many uploads from your account: the limit is 2 per 20 s (Limits:Upload).", detail);
        Assert.Contains($"Try again in {retryAfter} s.", detail);
        Assert.Empty(Directory.EnumerateFiles(app.Storage.IncomingDirectory, "*.part", SearchOption.AllDirectories));
        // An expected answer: nothing an operator would take for a fault.
        Assert.Empty(app.Logs.Errors);

        // Another account has its own bucket; the admin is not limited by default.
        using var otherHttp = app.CreateHttpClient(await app.ApiKeyForAsync(await app.CreateUserAsync(Roles.Uploader)));
        Assert.Equal(HttpStatusCode.OK, (await new SeedApiClient(otherHttp).UploadAsync(video)).StatusCode);
        using var adminHttp = app.CreateHttpClient();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await new TusClient(adminHttp).CreateAsync(bytes.Length)).StatusCode);
        }

        // After Retry-After (plus the limiter's 100 ms replenishment tick) the window has room again.
        await Task.Delay(TimeSpan.FromSeconds(retryAfter) + TimeSpan.FromMilliseconds(300));
        Assert.Equal(HttpStatusCode.OK, (await uploader.UploadAsync(video)).StatusCode);
    }

    [Fact]
    public async Task EachKind_IsItsOwnBucket_AndItsSecondRequestInTheWindowIs429NamingItsSetting()
    {
        var settings = new Dictionary<string, string?> { ["Ingestion:AutoStart"] = "false" };
        foreach (var kind in new[] { "Process", "Generation", "Search", "Mcp" })
        {
            settings[$"Limits:{kind}:PermitLimit"] = "1";
            settings[$"Limits:{kind}:WindowSeconds"] = "600";
        }

        await using var app = VaasApp.Start(_temp.Combine("data"), settings);
        var email = await app.CreateUserAsync(Roles.Uploader);
        using var http = app.CreateHttpClient(await app.ApiKeyForAsync(email));
        // A second key of the same account: it acts as its owner, so it shares the owner's buckets.
        using var secondKey = app.CreateHttpClient(await app.ApiKeyForAsync(email));
        var id = Guid.NewGuid();
        var calls = new (string Kind, string Noun, Func<HttpClient, Task<HttpResponseMessage>> First, Func<HttpClient, Task<HttpResponseMessage>> Second)[]
        {
            ("Process", "process-video requests", c => new SeedApiClient(c).ProcessAsync("videos/missing.mp4"), c => new SeedApiClient(c).ProcessAsync("videos/missing.mp4")),
            ("Generation", "generation requests", c => c.PostAsJsonAsync("/api/generations", new { prompt = "a boat" }), c => c.PostAsJsonAsync("/api/generations", new { prompt = "a boat" })),
            // Search, clips and questions share one bucket.
            ("Search", "searches, clips and questions", c => c.GetAsync("/api/search?q=boat"), c => c.PostAsJsonAsync($"/api/videos/{id}/ask", new { question = "why?" })),
            ("Mcp", "MCP calls", McpListToolsAsync, McpListToolsAsync),
        };

        foreach (var (kind, noun, first, second) in calls)
        {
            var allowed = await first(http);
            var refused = await second(secondKey);

            Assert.NotEqual(HttpStatusCode.TooManyRequests, allowed.StatusCode);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 600);
            var detail = (await SeedApiClient.ReadJsonAsync(refused))["detail"]!.GetValue<string>();
            Assert.StartsWith($"Too many {noun} from your account: the limit is 1 per 10 min (Limits:{kind}).", detail);
        }

        // The admin passes every one of them.
        using var admin = app.CreateHttpClient();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/search?q=boat")).StatusCode);
            Assert.NotEqual(HttpStatusCode.TooManyRequests, (await McpListToolsAsync(admin)).StatusCode);
        }
    }

    [Fact]
    public async Task Admins_AreLimitedToo_WhenExemptAdminsIsOff()
    {
        await using var app = VaasApp.Start(_temp.Combine("data"), new Dictionary<string, string?>
        {
            ["Limits:ExemptAdmins"] = "false",
            ["Limits:Search:PermitLimit"] = "1",
            ["Limits:Search:WindowSeconds"] = "600",
        });
        using var admin = app.CreateHttpClient();

        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/search?q=boat")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await admin.GetAsync("/api/search?q=boat")).StatusCode);
    }

    private static Task<HttpResponseMessage> McpListToolsAsync(HttpClient http)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/mcp")
        {
            Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        return http.SendAsync(request);
    }

    public void Dispose() => _temp.Dispose();
}
