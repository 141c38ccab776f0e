using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Webhooks;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Webhooks;

/// <summary>One app and one receiver for the class; each test registers its own endpoints under its own paths.</summary>
public sealed class WebhookAppFixture : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();

    public VaasApp App { get; private set; } = null!;
    public string DataDirectory => _temp.Combine("data");
    public WebhookReceiver Receiver { get; private set; } = null!;

    public static Dictionary<string, string?> FastRetries() => new()
    {
        ["Webhooks:AllowPrivateNetworks"] = "true",
        ["Webhooks:FirstRetryDelaySeconds"] = "0.5",
        ["Webhooks:MaxRetryDelaySeconds"] = "1",
        ["Webhooks:QuickRetryDelaySeconds"] = "0.2",
        ["Webhooks:AttemptTimeoutSeconds"] = "1",
        ["Logging:LogLevel:Default"] = "Debug",
    };

    public async Task InitializeAsync()
    {
        Receiver = await WebhookReceiver.StartAsync();
        App = VaasApp.Start(_temp.Combine("data"), FastRetries());
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Receiver.DisposeAsync();
        _temp.Dispose();
    }

    public static async Task<JsonObject> RegisterAsync(HttpClient http, string url, string secret, params string[] events)
    {
        var response = await http.PostAsJsonAsync("/api/webhooks", new { url, secret, events });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await SeedApiClient.ReadJsonAsync(response);
    }

    /// <summary>Uploads a short video (queued at once) and waits for its ingestion to end.</summary>
    public async Task<string> RunIngestionAsync(string name)
    {
        var api = new SeedApiClient(App.CreateHttpClient());
        var upload = await SeedApiClient.ReadJsonAsync(await api.UploadAsync(await TestMedia.VideoAsync(new VideoSpec(Seconds: 1, Audio: false)), name));
        var taskId = upload["task_id"]!.GetValue<string>();
        await api.WaitForFinishAsync(taskId);
        return taskId;
    }
}

public sealed class WebhookTests(WebhookAppFixture fixture) : IClassFixture<WebhookAppFixture>
{
    private VaasApp App => fixture.App;
    private WebhookReceiver Receiver => fixture.Receiver;

    [Fact]
    public async Task TaskCompletes_ReceiverGetsTheTaskStatusBodyWithAValidSignature()
    {
        const string secret = "s3cret-for-completed";
        using var http = App.CreateHttpClient();
        await WebhookAppFixture.RegisterAsync(http, Receiver.Url("/completed"), secret, "task.completed", "task.failed");

        var taskId = await fixture.RunIngestionAsync("hooked.mp4");

        await Eventually.TrueAsync(() => Receiver.CallsTo("/completed").Any(c => c.Json["task"]!["task_id"]!.GetValue<string>() == taskId), "the completed event");
        var call = Receiver.CallsTo("/completed").Single(c => c.Json["task"]!["task_id"]!.GetValue<string>() == taskId);
        Assert.True(call.IsSignedWith(secret), $"signature {call.Signature} does not match the body");
        var body = call.Json;
        Assert.Equal("task.completed", body["event"]!.GetValue<string>());
        Assert.Equal(call.EventId, body["event_id"]!.GetValue<string>());
        Assert.True(DateTimeOffset.TryParse(body["occurred_at"]!.GetValue<string>(), out _));
        var status = await new SeedApiClient(http).StatusAsync(taskId);
        Assert.Equal("completed", body["task"]!["status"]!.GetValue<string>());
        // The same fields /task-status shows, in the same wire format.
        Assert.Equal(status.Select(p => p.Key).Order(), body["task"]!.AsObject().Select(p => p.Key).Order());
        Assert.Equal(status["finished_at"]!.ToJsonString(), body["task"]!["finished_at"]!.ToJsonString());
    }

    [Fact]
    public async Task ReceiverFailsTwiceThenSucceeds_SameEventIdThreeTimes_DeliveredOnce_LogShowsAttempts()
    {
        Receiver.Answer("/flaky", n => n <= 2 ? 503 : 200);
        using var http = App.CreateHttpClient();
        var hook = await WebhookAppFixture.RegisterAsync(http, Receiver.Url("/flaky"), "flaky-secret", "task.completed");

        var taskId = await fixture.RunIngestionAsync("flaky.mp4");

        JsonArray deliveries = [];
        await PollAsync(async () =>
        {
            deliveries = (await http.GetFromJsonAsync<JsonArray>($"/api/webhooks/{hook["id"]}/deliveries"))!;
            return deliveries.Any(d => d!["status"]!.GetValue<string>() == "delivered");
        }, "the flaky delivery to succeed");
        var calls = Receiver.CallsTo("/flaky");
        Assert.Equal(3, calls.Count);
        Assert.Single(calls.Select(c => c.EventId).Distinct());
        var delivery = Assert.Single(deliveries);
        Assert.Equal(3, delivery!["attempts"]!.GetValue<int>());
        Assert.Equal(taskId, delivery["task_id"]!.GetValue<string>());
        Assert.Equal(calls[0].EventId, delivery["event_id"]!.GetValue<string>());
        // Sent once per success: nothing more arrives over the sender's next round (it looks every second), a quiet
        // window rather than an event, since "no further call" has none to wait for.
        await Task.Delay(WebhookQuietWindow);
        Assert.Equal(3, Receiver.CallsTo("/flaky").Count);
    }

    private static readonly TimeSpan WebhookQuietWindow = TimeSpan.FromSeconds(1.5);

    [Fact]
    public async Task ReceiverHangs_TaskIsNotSlowedAndOtherEndpointsStillGetTheirEvents()
    {
        Receiver.Answer("/hangs", _ => null);
        using var http = App.CreateHttpClient();
        await WebhookAppFixture.RegisterAsync(http, Receiver.Url("/hangs"), "hang-secret", "task.completed", "task.progress");
        await WebhookAppFixture.RegisterAsync(http, Receiver.Url("/beside-hang"), "other-secret", "task.completed");

        var started = DateTime.UtcNow;
        var taskId = await fixture.RunIngestionAsync("hang.mp4");
        var taken = DateTime.UtcNow - started;

        await Eventually.TrueAsync(() => Receiver.CallsTo("/beside-hang").Any(c => c.Json["task"]!["task_id"]!.GetValue<string>() == taskId), "the other endpoint's event", TimeSpan.FromSeconds(10));
        Assert.True(taken < TimeSpan.FromSeconds(30), $"the task took {taken}");
        Assert.NotEmpty(Receiver.CallsTo("/hangs"));
    }

    [Theory]
    [InlineData("""{"url": "not a url", "secret": "x", "events": ["task.completed"]}""", "absolute http or https URL")]
    [InlineData("""{"url": "ftp://example.com/x", "secret": "x", "events": ["task.completed"]}""", "absolute http or https URL")]
    [InlineData("""{"url": "http://127.0.0.1:9/x", "secret": "x", "events": ["task.exploded"]}""", "\"task.exploded\" is not an event")]
    [InlineData("""{"url": "http://127.0.0.1:9/x", "secret": "x", "events": []}""", "non-empty list")]
    [InlineData("""{"url": "http://127.0.0.1:9/x", "secret": "", "events": ["task.completed"]}""", "The secret must be 1 to 256 characters")]
    [InlineData("""not json""", "The body must be JSON")]
    public async Task Create_WithABadField_Is400WithASentence(string json, string expected)
    {
        using var http = App.CreateHttpClient();
        var response = await http.PostAsync("/api/webhooks", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, (await SeedApiClient.ReadJsonAsync(response))["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task OtherUsers_CannotSeeOrDeleteSomeoneElsesWebhooks()
    {
        using var admin = App.CreateHttpClient();
        var hook = await WebhookAppFixture.RegisterAsync(admin, Receiver.Url("/private-to-admin"), "admin-secret", "task.failed");
        using var viewer = App.CreateHttpClient(await App.ApiKeyForAsync(await App.CreateUserAsync("Viewer")));

        var listed = await viewer.GetFromJsonAsync<JsonArray>("/api/webhooks");
        var deleted = await viewer.DeleteAsync($"/api/webhooks/{hook["id"]}");
        var log = await viewer.GetAsync($"/api/webhooks/{hook["id"]}/deliveries");
        using var anonymous = App.CreateHttpClient(null);

        Assert.Empty(listed!);
        Assert.Equal(HttpStatusCode.NotFound, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, log.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/webhooks")).StatusCode);
        Assert.Contains((await admin.GetFromJsonAsync<JsonArray>("/api/webhooks"))!, h => h!["id"]!.GetValue<string>() == hook["id"]!.GetValue<string>());
        // A viewer may have webhooks of their own, and deletes them.
        var own = await WebhookAppFixture.RegisterAsync(viewer, Receiver.Url("/viewer"), "viewer-secret", "task.completed");
        Assert.Equal(HttpStatusCode.NoContent, (await viewer.DeleteAsync($"/api/webhooks/{own["id"]}")).StatusCode);
    }

    [Fact]
    public async Task Secret_IsNeverReturnedStoredInClearOrLogged()
    {
        const string secret = "never-in-clear-7f3a9";
        using var http = App.CreateHttpClient();
        var response = await http.PostAsJsonAsync("/api/webhooks", new { url = Receiver.Url("/secretive"), secret, events = new[] { "task.completed" } });
        var created = await response.Content.ReadAsStringAsync();
        var listed = await http.GetStringAsync("/api/webhooks");

        Assert.DoesNotContain(secret, created);
        Assert.DoesNotContain(secret, listed);
        await using var db = await App.DbAsync();
        var stored = await db.Set<WebhookEndpoint>().Select(e => e.ProtectedSecret).ToListAsync();
        Assert.All(stored, s => Assert.DoesNotContain(secret, s));
        db.Database.ExecuteSqlRaw("PRAGMA wal_checkpoint(FULL)");
        var file = Path.Combine(fixture.DataDirectory, "vaas.db");
        Assert.DoesNotContain(secret, Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file)));
        Assert.DoesNotContain(App.Logs.Entries, e => e.ToString().Contains(secret));
    }

    private static async Task PollAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Expected {what}, but it did not happen in time.");
            }

            await Task.Delay(100);
        }
    }
}
