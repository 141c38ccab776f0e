using System.Net;
using System.Text.Json.Nodes;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Webhooks;

/// <summary>
/// Every end a task can have reaches the endpoints that asked for it, once and by its own name: a failure (ffprobe
/// breaks under a re-run), a cancel, and, throttled, the progress in between.
/// </summary>
public sealed class WebhookEndEventsTests : IAsyncLifetime
{
    private const double ProgressInterval = 1;

    private readonly TempDirectory _temp = new();
    private ToolFolder _tools = null!;
    private WebhookReceiver _receiver = null!;
    private VaasApp _app = null!;
    private HttpClient _http = null!;
    private SeedApiClient _api = null!;

    public async Task InitializeAsync()
    {
        _tools = new ToolFolder(_temp.Combine("tools"));
        _receiver = await WebhookReceiver.StartAsync();
        var settings = WebhookAppFixture.FastRetries();
        settings["Media:FfmpegFolder"] = _tools.Path;
        settings["Webhooks:ProgressIntervalSeconds"] = ProgressInterval.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _app = VaasApp.Start(_temp.Combine("data"), settings);
        _http = _app.CreateHttpClient();
        _api = new SeedApiClient(_http);
    }

    [Fact]
    public async Task RerunFails_EndpointsForFailedGetTaskFailedWithTheReason_OthersNothing()
    {
        await WebhookAppFixture.RegisterAsync(_http, _receiver.Url("/failed"), "failed-secret", "task.failed");
        await WebhookAppFixture.RegisterAsync(_http, _receiver.Url("/completed-only"), "other-secret", "task.completed");
        var taskId = await UploadAsync(new VideoSpec(Seconds: 2, Audio: false), "will-break.mp4");
        Assert.Equal("completed", (await _api.WaitForFinishAsync(taskId))["status"]!.GetValue<string>());
        await Eventually.TrueAsync(() => CallsFor("/completed-only", taskId).Count == 1, "the completed event");

        _tools.BreakFfprobe();
        Assert.Equal(HttpStatusCode.Accepted, (await _http.PostAsync($"/api/tasks/{taskId}/rerun", null)).StatusCode);
        var status = await _api.WaitForFinishAsync(taskId);

        Assert.Equal("failed", status["status"]!.GetValue<string>());
        await Eventually.TrueAsync(() => CallsFor("/failed", taskId).Count > 0, "the failed event");
        var call = Assert.Single(CallsFor("/failed", taskId));
        Assert.True(call.IsSignedWith("failed-secret"));
        Assert.Equal("task.failed", call.Json["event"]!.GetValue<string>());
        var task = call.Json["task"]!;
        Assert.Equal(("failed", 2, "tool_unavailable"), (task["status"]!.GetValue<string>(), task["attempt"]!.GetValue<int>(), task["error"]!["code"]!.GetValue<string>()));
        Assert.Equal(status["error"]!.ToJsonString(), task["error"]!.ToJsonString());
        // The completed-only endpoint heard of the first attempt's end and nothing of the failure.
        Assert.Single(CallsFor("/completed-only", taskId));
    }

    [Fact]
    public async Task Cancelled_IsTaskCancelled_NotTaskFailed()
    {
        await WebhookAppFixture.RegisterAsync(_http, _receiver.Url("/ends"), "ends-secret", "task.failed", "task.cancelled", "task.completed");
        var taskId = await UploadAsync(new VideoSpec(Seconds: 60), "cancelled.mp4");

        Assert.True((await _http.PostAsync($"/api/tasks/{taskId}/cancel", null)).IsSuccessStatusCode);
        Assert.Equal("failed", (await _api.WaitForFinishAsync(taskId))["status"]!.GetValue<string>());

        await Eventually.TrueAsync(() => CallsFor("/ends", taskId).Count > 0, "the cancelled event");
        var call = Assert.Single(CallsFor("/ends", taskId));
        Assert.Equal("task.cancelled", call.Json["event"]!.GetValue<string>());
        Assert.Equal("cancelled", call.Json["task"]!["error"]!["code"]!.GetValue<string>());
        Assert.True(call.IsSignedWith("ends-secret"));
    }

    [Fact]
    public async Task Progress_AtMostOncePerIntervalPerTask_RisingWhileRunning_ThenTheEnd()
    {
        await WebhookAppFixture.RegisterAsync(_http, _receiver.Url("/progress"), "progress-secret", "task.progress", "task.completed");
        var taskId = await UploadAsync(new VideoSpec(Seconds: 40), "progress.mp4");

        Assert.Equal("completed", (await _api.WaitForFinishAsync(taskId, TimeSpan.FromMinutes(3)))["status"]!.GetValue<string>());

        await Eventually.TrueAsync(() => CallsFor("/progress", taskId).Any(c => c.Json["event"]!.GetValue<string>() == "task.completed"), "the completed event");
        var calls = CallsFor("/progress", taskId);
        var progress = calls.Where(c => c.Json["event"]!.GetValue<string>() == "task.progress").Select(c => c.Json).ToList();
        Assert.True(progress.Count >= 2, $"{progress.Count} progress events for an ingestion of a 40 s video");
        Assert.All(progress, p => Assert.Equal("in_progress", p["task"]!["status"]!.GetValue<string>()));
        var values = progress.Select(p => p["task"]!["progress"]!.GetValue<double>()).ToList();
        Assert.Equal(values.Order(), values);
        // The throttle: two progress events of one task are an interval apart (the task's own update times).
        var times = progress.Select(p => DateTimeOffset.Parse(p["task"]!["updated_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var gaps = times.Zip(times.Skip(1), (a, b) => (b - a).TotalSeconds).ToList();
        Assert.All(gaps, gap => Assert.True(gap >= ProgressInterval - 0.25, $"progress events {gap:0.00} s apart: {string.Join(", ", gaps.Select(g => g.ToString("0.00")))}"));
        Assert.Single(calls, c => c.Json["event"]!.GetValue<string>() == "task.completed");
        Assert.Equal("task.completed", calls[^1].Json["event"]!.GetValue<string>());
    }

    private async Task<string> UploadAsync(VideoSpec spec, string name)
    {
        var response = await _api.UploadAsync(await TestMedia.CopyVideoAsync(spec, _temp.Combine(name)), name);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await SeedApiClient.ReadJsonAsync(response))["task_id"]!.GetValue<string>();
    }

    private List<ReceivedCall> CallsFor(string path, string taskId) =>
        _receiver.CallsTo(path).Where(c => c.Json["task"]!["task_id"]!.GetValue<string>() == taskId).ToList();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        await _receiver.DisposeAsync();
        _temp.Dispose();
    }
}
