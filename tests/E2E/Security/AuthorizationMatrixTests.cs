using System.Net;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using VaasWeb.Processing.Accounts;
using VaasWeb.Realtime;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Security;

/// <summary>
/// Every REST endpoint, page and hub method, called as anonymous, Viewer, Uploader and Admin (signed in with the
/// form, cookie sessions) and with an uploader's API key, against the real app. Access means the request got
/// past authorization (whatever the handler then said about the made-up ids and bodies); refusal is exactly 401
/// (nobody signed in) or 403 (signed in, role too low), or for pages a redirect to sign in / "not allowed".
/// </summary>
public sealed class AuthorizationMatrixTests : IAsyncLifetime
{
    internal enum Need
    {
        Nobody,
        Board,
        Viewer,
        Uploader,
        Admin,
    }

    private enum Caller
    {
        Anonymous,
        Viewer,
        Uploader,
        Admin,
        UploaderApiKey,
    }

    private static readonly string Id = Guid.NewGuid().ToString();

    /// <summary>Method, route as the app maps it, a concrete request path, and who may call it (the OpenAPI test reads it too).</summary>
    internal static readonly (string Method, string Route, string Path, Need Need)[] Api =
    [
        ("POST", "/upload-video", "/upload-video", Need.Uploader),
        ("POST", "/process-video", "/process-video", Need.Uploader),
        ("GET", "/task-status/{taskId}", $"/task-status/{Id}", Need.Viewer),
        ("GET", "/api/tasks/", "/api/tasks", Need.Viewer),
        ("GET", "/api/tasks/{taskId:guid}", $"/api/tasks/{Id}", Need.Viewer),
        ("POST", "/api/tasks/{taskId:guid}/cancel", $"/api/tasks/{Id}/cancel", Need.Uploader),
        ("POST", "/api/tasks/{taskId:guid}/rerun", $"/api/tasks/{Id}/rerun", Need.Admin),
        ("POST", "/api/tasks/rerun-failed", "/api/tasks/rerun-failed", Need.Admin),
        ("GET", "/api/search", "/api/search?q=x", Need.Viewer),
        ("POST", "/api/search/image", "/api/search/image", Need.Viewer),
        ("POST", "/api/clips", "/api/clips", Need.Viewer),
        ("POST", "/api/videos/{videoId:guid}/ask", $"/api/videos/{Id}/ask", Need.Viewer),
        ("GET", "/api/videos/{videoId:guid}/subtitles.vtt", $"/api/videos/{Id}/subtitles.vtt", Need.Viewer),
        ("GET", "/api/videos/{videoId:guid}/subtitles.srt", $"/api/videos/{Id}/subtitles.srt", Need.Viewer),
        ("GET", "/api/videos/{videoId:guid}/chapters", $"/api/videos/{Id}/chapters", Need.Viewer),
        ("GET", "/api/videos/{videoId:guid}/chapters.vtt", $"/api/videos/{Id}/chapters.vtt", Need.Viewer),
        ("DELETE", "/api/videos/{videoId:guid}", $"/api/videos/{Id}", Need.Admin),
        ("POST", "/api/generations/", "/api/generations", Need.Uploader),
        ("GET", "/api/generations/{taskId:guid}", $"/api/generations/{Id}", Need.Viewer),
        ("GET", "/api/generations/models", "/api/generations/models", Need.Viewer),
        ("GET", "/api/generations/voices", "/api/generations/voices", Need.Viewer),
        // MiniMax has no key of ours: the URL's per-task token is the credential (MiniMaxCallbackTests).
        ("POST", "/api/minimax/callback/{taskId:guid}", $"/api/minimax/callback/{Id}", Need.Nobody),
        ("GET", "/api/audit", "/api/audit", Need.Admin),
        ("GET", "/api/keys/", "/api/keys", Need.Viewer),
        ("POST", "/api/keys/", "/api/keys", Need.Viewer),
        ("DELETE", "/api/keys/{keyId:guid}", $"/api/keys/{Id}", Need.Viewer),
        ("GET", "/api/webhooks/", "/api/webhooks", Need.Viewer),
        ("POST", "/api/webhooks/", "/api/webhooks", Need.Viewer),
        ("DELETE", "/api/webhooks/{webhookId:guid}", $"/api/webhooks/{Id}", Need.Viewer),
        ("GET", "/api/webhooks/{webhookId:guid}/deliveries", $"/api/webhooks/{Id}/deliveries", Need.Viewer),
        ("GET", "/media/{**path}", "/media/videos/nothing.mp4", Need.Viewer),
        ("OPTIONS", "/uploads/tus/", "/uploads/tus", Need.Uploader),
        ("POST", "/uploads/tus/", "/uploads/tus", Need.Uploader),
        ("HEAD", "/uploads/tus/{id}", $"/uploads/tus/{Id:N}", Need.Uploader),
        ("PATCH", "/uploads/tus/{id}", $"/uploads/tus/{Id:N}", Need.Uploader),
        ("DELETE", "/uploads/tus/{id}", $"/uploads/tus/{Id:N}", Need.Uploader),
        ("*", "/healthz", "/healthz", Need.Nobody),
        // Admins, or a scraper with Metrics:ScrapeKey (MetricsTests).
        ("*", "/metrics", "/metrics", Need.Admin),
        ("GET", "/openapi/{documentName}.json", "/openapi/v1.json", Need.Nobody),
        ("GET", "/scalar/{documentName?}", "/scalar/v1", Need.Nobody),
        ("GET", "/scalar/scalar.js", "/scalar/scalar.js", Need.Nobody),
        ("GET", "/scalar/scalar.aspnetcore.js", "/scalar/scalar.aspnetcore.js", Need.Nobody),
        ("GET", "/scalar/favicon.svg", "/scalar/favicon.svg", Need.Nobody),
        ("GET", "{**path:file}", "/app.css", Need.Nobody),
        ("HEAD", "{**path:file}", "/app.css", Need.Nobody),
        ("GET", "/_framework/opaque-redirect", "/_framework/opaque-redirect", Need.Board),
        ("POST", "/account/signin", "/account/signin", Need.Nobody),
        ("POST", "/account/logout", "/account/logout", Need.Viewer),
        ("*", "/hubs/tasks/negotiate", "/hubs/tasks/negotiate?negotiateVersion=1", Need.Board),
        ("*", "/hubs/tasks", "/hubs/tasks", Need.Board),
        // Signed in as any role; each tool then checks the role it needs (McpToolTests).
        ("POST", "/mcp/", "/mcp", Need.Viewer),
        ("GET", "/mcp", "/mcp", Need.Viewer),
        ("DELETE", "/mcp", "/mcp", Need.Viewer),
    ];

    private static readonly (string Route, string Path, Need Need)[] Pages =
    [
        ("/", "/", Need.Board),
        ("/videos", "/videos", Need.Viewer),
        ("/videos/{VideoId:guid}", $"/videos/{Id}", Need.Viewer),
        ("/search", "/search", Need.Viewer),
        ("/tasks/{TaskId:guid}", $"/tasks/{Id}", Need.Viewer),
        ("/generate", "/generate", Need.Uploader),
        ("/admin", "/admin", Need.Admin),
        ("/admin/stats", "/admin/stats", Need.Admin),
        ("/account/keys", "/account/keys", Need.Viewer),
        ("/account/webhooks", "/account/webhooks", Need.Viewer),
        ("/account/denied", "/account/denied", Need.Viewer),
        ("/account/login", "/account/login", Need.Nobody),
        ("/not-found", "/not-found", Need.Nobody),
        ("/Error", "/Error", Need.Nobody),
    ];

    private readonly TempDirectory _temp = new();
    private VaasApp _app = null!;
    private readonly Dictionary<Caller, HttpClient> _clients = [];
    private readonly Dictionary<Caller, CookieContainer?> _cookies = [];

    public async Task InitializeAsync()
    {
        _app = VaasApp.Start(_temp.Combine("data"));
        _clients[Caller.Anonymous] = NoRedirects(null, null);
        foreach (var (caller, role) in new[] { (Caller.Viewer, Roles.Viewer), (Caller.Uploader, Roles.Uploader), (Caller.Admin, Roles.Admin) })
        {
            var email = await _app.CreateUserAsync(role);
            var cookies = new CookieContainer();
            _clients[caller] = NoRedirects(cookies, null);
            _cookies[caller] = cookies;
            await SignInAsync(_clients[caller], email);
        }

        var uploader = await _app.CreateUserAsync(Roles.Uploader);
        _clients[Caller.UploaderApiKey] = NoRedirects(null, await _app.ApiKeyForAsync(uploader));
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        await _app.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public void Matrix_CoversEveryEndpointAndPageTheAppMaps()
    {
        var mapped = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => !IsStaticAsset(e))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => $"{m} {e.RoutePattern.RawText}"))
            .Where(e => !e.Contains("/_blazor", StringComparison.Ordinal))
            .ToHashSet();
        var covered = Api.Select(a => $"{a.Method} {a.Route}")
            .Concat(Pages.SelectMany(p => new[] { $"GET {p.Route}", $"POST {p.Route}" }))
            .ToHashSet();

        var missing = mapped.Except(covered).Order().ToArray();
        Assert.True(missing.Length == 0, "Not in the matrix: " + string.Join("\n", missing));
    }

    [Fact]
    public Task RestEndpoints_AnswerEachCallerAsTheirRoleAllows() =>
        AssertEachCallerAsync(Api.Select(a => (a.Path, a.Need, (Func<HttpRequestMessage>)(() => ApiRequest(a.Method, a.Path)))), page: false);

    [Fact]
    public Task Pages_AnswerEachCallerAsTheirRoleAllows() =>
        AssertEachCallerAsync(Pages.Select(p => (p.Path, p.Need, (Func<HttpRequestMessage>)(() => PageRequest(p.Path)))), page: true);

    [Fact]
    public async Task HubMethods_AreOpenToEveryRoleAndClosedToAnonymous()
    {
        var methods = typeof(TaskHub).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Select(m => m.Name).Order().ToArray();
        Assert.Equal([nameof(TaskHub.GetRecentTasks), nameof(TaskHub.GetTask)], methods);

        foreach (var caller in Enum.GetValues<Caller>())
        {
            await using var hub = Hub(caller);
            if (caller == Caller.Anonymous)
            {
                var refused = await Assert.ThrowsAsync<HttpRequestException>(() => hub.StartAsync());
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
                continue;
            }

            await hub.StartAsync();
            Assert.NotNull(await hub.InvokeAsync<object[]>(nameof(TaskHub.GetRecentTasks), 5));
            Assert.Null(await hub.InvokeAsync<object?>(nameof(TaskHub.GetTask), Guid.NewGuid()));
        }
    }

    [Fact]
    public async Task RevokedApiKey_Gets401SayingSo()
    {
        var email = await _app.CreateUserAsync(Roles.Admin);
        var key = await _app.ApiKeyForAsync(email);
        var keys = _app.Services.GetRequiredService<ApiKeyService>();
        var row = (await keys.ListAsync((await _app.Services.GetRequiredService<UserAdministration>().ListAsync(CancellationToken.None)).Single(u => u.Email == email).Id, CancellationToken.None)).Single();
        using var http = _app.CreateHttpClient(key);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/tasks")).StatusCode);

        await keys.RevokeAsync(row.Id, new Actor(row.UserId, email, null), asAdmin: false, CancellationToken.None);
        var response = await http.GetAsync("/api/tasks");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("unknown or revoked", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UploaderCancellingSomeoneElsesTask_Gets403AndTheTaskRuns()
    {
        using var admin = _app.CreateHttpClient();
        var upload = await new SeedApiClient(admin).UploadAsync(await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 30), _temp.Combine("long.mp4")));
        var taskId = (await SeedApiClient.ReadJsonAsync(upload))["task_id"]!.GetValue<string>();

        var refused = await _clients[Caller.UploaderApiKey].PostAsync($"/api/tasks/{taskId}/cancel", null);
        var allowed = await admin.PostAsync($"/api/tasks/{taskId}/cancel", null);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("only the tasks they started", await refused.Content.ReadAsStringAsync());
        Assert.True(allowed.IsSuccessStatusCode);
    }

    /// <summary>Sends each request as each caller and lists every answer that is not what the caller's role should get.</summary>
    private async Task AssertEachCallerAsync(IEnumerable<(string Path, Need Need, Func<HttpRequestMessage> Request)> cases, bool page)
    {
        var wrong = new List<string>();
        foreach (var (path, need, make) in cases)
        {
            foreach (var caller in Enum.GetValues<Caller>())
            {
                using var request = make();
                var response = await _clients[caller].SendAsync(request);
                var expected = Expect(need, caller, page);
                if (!Matches(expected, response))
                {
                    wrong.Add($"{request.Method} {path} as {caller}: expected {expected}, got {(int)response.StatusCode} {response.Headers.Location}");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    private static HttpRequestMessage ApiRequest(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method == "*" ? (path.EndsWith("negotiateVersion=1") ? "POST" : "GET") : method), path);
        if (method is "POST" or "PATCH")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        if (path.StartsWith("/uploads/tus", StringComparison.Ordinal))
        {
            request.Headers.Add("Tus-Resumable", "1.0.0");
        }

        if (path == "/account/logout")
        {
            // A sign-out is a form post with its token; the matrix only asks whether one may get that far.
            request.Content = new FormUrlEncodedContent([]);
        }

        return request;
    }

    private static HttpRequestMessage PageRequest(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/html");
        return request;
    }

    private static string Expect(Need need, Caller caller, bool page)
    {
        var level = caller switch
        {
            Caller.Anonymous => Need.Nobody,
            Caller.Viewer => Need.Viewer,
            Caller.Uploader or Caller.UploaderApiKey => Need.Uploader,
            _ => Need.Admin,
        };
        if (need == Need.Board && level >= Need.Viewer)
        {
            return "access";
        }

        if (level >= need)
        {
            return "access";
        }

        return (page, caller) switch
        {
            (true, Caller.UploaderApiKey) => "403",
            (true, Caller.Anonymous) => "sign in",
            (true, _) => "not allowed",
            (false, Caller.Anonymous) => "401",
            _ => "403",
        };
    }

    private static bool Matches(string expected, HttpResponseMessage response)
    {
        var location = response.Headers.Location?.ToString() ?? "";
        var refused = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                      || location.Contains("/account/login?", StringComparison.Ordinal) || location.Contains("/account/denied", StringComparison.Ordinal);
        return expected switch
        {
            "access" => !refused,
            "401" => response.StatusCode == HttpStatusCode.Unauthorized,
            "403" => response.StatusCode == HttpStatusCode.Forbidden,
            "sign in" => response.StatusCode == HttpStatusCode.Redirect && location.Contains("/account/login?ReturnUrl=", StringComparison.Ordinal),
            _ => response.StatusCode == HttpStatusCode.Redirect && location.Contains("/account/denied", StringComparison.Ordinal),
        };
    }

    private HubConnection Hub(Caller caller) => new HubConnectionBuilder()
        .WithUrl(new Uri(_app.BaseAddress, TaskHub.Path), o =>
        {
            o.Transports = HttpTransportType.LongPolling;
            if (_cookies.GetValueOrDefault(caller) is { } cookies)
            {
                o.Cookies = cookies;
            }

            foreach (var header in _clients[caller].DefaultRequestHeaders)
            {
                o.Headers[header.Key] = string.Join(",", header.Value);
            }
        })
        .Build();

    private HttpClient NoRedirects(CookieContainer? cookies, string? apiKey)
    {
        var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = cookies is not null, CookieContainer = cookies ?? new CookieContainer() };
        var http = new HttpClient(handler) { BaseAddress = _app.BaseAddress };
        if (apiKey is not null)
        {
            http.DefaultRequestHeaders.Add(ApiKeyService.HeaderName, apiKey);
        }

        return http;
    }

    private static async Task SignInAsync(HttpClient http, string email) =>
        Assert.True(await SignInForm.TrySignInAsync(http, email, VaasApp.AdminPassword), $"{email} could not sign in");

    private static bool IsStaticAsset(RouteEndpoint endpoint) =>
        endpoint.Metadata.Any(m => m.GetType().Name.Contains("StaticAsset", StringComparison.Ordinal));
}
