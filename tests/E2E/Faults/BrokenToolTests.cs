using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Faults;

/// <summary>
/// The server's own ffprobe breaks (a script that exits 127, as a binary with a missing library does) while the
/// app runs: uploads are the server's fault (503 naming what to fix), never "not a video", and nothing is lost.
/// </summary>
public sealed class BrokenToolTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private ToolFolder _tools = null!;
    private VaasApp _app = null!;
    private HttpClient _http = null!;
    private SeedApiClient _api = null!;

    public Task InitializeAsync()
    {
        _tools = new ToolFolder(_temp.Combine("tools"));
        _app = VaasApp.Start(_temp.Combine("data"), new Dictionary<string, string?> { ["Media:FfmpegFolder"] = _tools.Path });
        _http = _app.CreateHttpClient();
        _api = new SeedApiClient(_http);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Upload_WithFfprobeBroken_Is503NamingTheSettingAndThePackage_OnBothPaths_AndKeepsNothing()
    {
        var video = await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 2), _temp.Combine("fine.mp4"));
        _tools.BreakFfprobe();

        var multipart = await _api.UploadAsync(video);
        var tus = new TusClient(_http);
        var bytes = await File.ReadAllBytesAsync(video);
        var lastPatch = await tus.PatchAsync(await tus.CreateUrlAsync(bytes.Length, "fine.mp4"), 0, bytes);

        foreach (var response in new[] { multipart, lastPatch })
        {
            var problem = await SeedApiClient.ReadJsonAsync(response);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("A tool the server needs is not working", problem["title"]!.GetValue<string>());
            Assert.Contains("ffprobe does not run (exit code 127)", problem["detail"]!.GetValue<string>());
            Assert.Contains("Media:FfmpegFolder", problem["detail"]!.GetValue<string>());
            Assert.Contains("apt-get install ffmpeg", problem["detail"]!.GetValue<string>());
            Assert.DoesNotContain(_temp.Path, problem["detail"]!.GetValue<string>());
        }

        await using var db = await _app.DbAsync();
        Assert.Equal(0, await db.Videos.CountAsync());
        Assert.Empty(Directory.EnumerateFiles(_app.Storage.Root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Rerun_WithFfprobeBroken_FailsSayingWhatToFix_AndKeepsTheFramesAndChunks_WhileHealthzTurnsUnhealthy()
    {
        var upload = await SeedApiClient.ReadJsonAsync(await _api.UploadAsync(await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 4), _temp.Combine("kept.mp4"))));
        var taskId = upload["task_id"]!.GetValue<string>();
        Assert.Equal("completed", (await _api.WaitForFinishAsync(taskId))["status"]!.GetValue<string>());
        var before = await OutputsAsync();
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/healthz")).StatusCode);

        _tools.BreakFfprobe();
        var health = await _http.GetAsync("/healthz");
        var rerun = await _http.PostAsync($"/api/tasks/{taskId}/rerun", null);
        var status = await _api.WaitForFinishAsync(taskId);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        var ffmpegCheck = (await SeedApiClient.ReadJsonAsync(health))["checks"]!["ffmpeg"]!;
        Assert.Equal("Unhealthy", ffmpegCheck["status"]!.GetValue<string>());
        Assert.Contains("ffprobe does not run (exit code 127)", ffmpegCheck["description"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Accepted, rerun.StatusCode);
        Assert.Equal(("failed", 2, "tool_unavailable"), (status["status"]!.GetValue<string>(), status["attempt"]!.GetValue<int>(), status["error"]!["code"]!.GetValue<string>()));
        Assert.Contains("Media:FfmpegFolder", status["error"]!["message"]!.GetValue<string>());
        Assert.Equal(before, await OutputsAsync());

        _tools.RepairFfprobe();
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/healthz")).StatusCode);
    }

    /// <summary>The video's frame and chunk rows, and whether each of their files is on disk.</summary>
    private async Task<string> OutputsAsync()
    {
        await using var db = await _app.DbAsync();
        var frames = await db.Frames.OrderBy(f => f.Index).Select(f => f.Path).ToListAsync();
        var chunks = await db.AudioChunks.OrderBy(c => c.Index).Select(c => c.Path).ToListAsync();
        Assert.NotEmpty(frames);
        Assert.NotEmpty(chunks);
        return new JsonArray(frames.Concat(chunks).Select(p => (JsonNode)$"{p} {File.Exists(_app.Storage.ToAbsolute(p))}").ToArray()).ToJsonString();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        _temp.Dispose();
    }
}
