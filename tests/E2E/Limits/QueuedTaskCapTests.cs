using System.Net;
using VaasWeb.Processing.Accounts;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Limits;

/// <summary>Limits:MaxQueuedTasksPerUser against the real app: the N+1st task is refused with 409 and nothing is kept.</summary>
public sealed class QueuedTaskCapTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    [Fact]
    public async Task Uploads_BeyondTheCap_Get409SayingHowManyAreQueued_AndKeepNothing_WhileOthersGoOn()
    {
        await using var app = VaasApp.Start(_temp.Combine("data"), new Dictionary<string, string?>
        {
            ["Limits:MaxQueuedTasksPerUser"] = "2",
            ["Ingestion:MaxConcurrentJobs"] = "1",
            ["Ingestion:FrameIntervalSeconds"] = "0.04",
        });
        // The admin's long ingestion holds the one slot, so the uploader's tasks stay pending behind it.
        using var adminHttp = app.CreateHttpClient();
        var admin = new SeedApiClient(adminHttp);
        var busy = await SeedApiClient.ReadJsonAsync(await admin.UploadAsync(await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 60), _temp.Combine("long.mp4"))));
        var busyTask = busy["task_id"]!.GetValue<string>();
        await Eventually.TrueAsync(async () => (await admin.StatusAsync(busyTask))["status"]!.GetValue<string>() == "in_progress", "the long ingestion runs");
        var video = await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 2), _temp.Combine("two.mp4"));
        using var uploaderHttp = app.CreateHttpClient(await app.ApiKeyForAsync(await app.CreateUserAsync(Roles.Uploader)));
        var uploader = new SeedApiClient(uploaderHttp);

        var first = await uploader.UploadAsync(video, "a.mp4");
        var second = await uploader.UploadAsync(video, "b.mp4");
        var videosBefore = Directory.GetFiles(Path.Combine(app.Storage.Root, "videos")).Length;
        var refused = await uploader.UploadAsync(video, "c.mp4");
        var refusedTus = await new TusClient(uploaderHttp).CreateAsync(new FileInfo(video).Length);
        var refusedProcess = await uploader.ProcessAsync((await SeedApiClient.ReadJsonAsync(first))["video_path"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal(
            "Your account has 2 tasks queued or running, and the limit is 2 (Limits:MaxQueuedTasksPerUser). Nothing new was queued; send it again once one has finished, or cancel one.",
            (await SeedApiClient.ReadJsonAsync(refused))["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, refusedTus.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, refusedProcess.StatusCode);
        Assert.Equal(videosBefore, Directory.GetFiles(Path.Combine(app.Storage.Root, "videos")).Length);
        Assert.Empty(Directory.EnumerateFiles(app.Storage.IncomingDirectory, "*.part", SearchOption.AllDirectories));

        // The admin is not capped; once one of the uploader's tasks ends, the uploader may queue again.
        Assert.Equal(HttpStatusCode.OK, (await admin.UploadAsync(video, "admin.mp4")).StatusCode);
        var pending = (await SeedApiClient.ReadJsonAsync(second))["task_id"]!.GetValue<string>();
        Assert.True((await uploaderHttp.PostAsync($"/api/tasks/{pending}/cancel", null)).IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.OK, (await uploader.UploadAsync(video, "d.mp4")).StatusCode);
        await adminHttp.PostAsync($"/api/tasks/{busyTask}/cancel", null);
    }

    public void Dispose() => _temp.Dispose();
}
