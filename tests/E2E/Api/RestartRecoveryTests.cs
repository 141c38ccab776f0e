using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Videos;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Api;

/// <summary>The whole app dies mid-ingestion (its row still says in_progress) and is started again.</summary>
public sealed class RestartRecoveryTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    [Fact]
    public async Task Start_WithATaskLeftInProgress_ResumesItAsTheNextAttemptAndCompletes()
    {
        var data = _temp.Combine("data");
        Guid taskId;
        await using (var first = VaasApp.Start(data, new Dictionary<string, string?> { ["Ingestion:AutoStart"] = "false" }))
        {
            var api = new SeedApiClient(first.CreateHttpClient());
            var upload = await SeedApiClient.ReadJsonAsync(await api.UploadAsync(await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 4), _temp.Combine("crash.mp4"))));
            await using var db = await first.DbAsync();
            var video = await db.Videos.SingleAsync(v => v.StoredPath == upload["video_path"]!.GetValue<string>());
            // What a killed process leaves behind: a row that says it is running, on this node.
            var task = ProcessingTask.Create(TaskKind.Ingestion, video, "queued after upload", DateTimeOffset.UtcNow);
            task.Start("e2e-node", DateTimeOffset.UtcNow);
            task.ReportProgress("frames", 35, DateTimeOffset.UtcNow);
            db.Tasks.Add(task);
            await db.SaveChangesAsync();
            taskId = task.Id;
        }

        await using var second = VaasApp.Start(data);
        var status = await new SeedApiClient(second.CreateHttpClient()).WaitForFinishAsync(taskId.ToString());

        Assert.Equal("completed", status["status"]!.GetValue<string>());
        Assert.Equal(2, status["attempt"]!.GetValue<int>());
        await using var check = await second.DbAsync();
        Assert.Equal(4, await check.Frames.CountAsync());
        Assert.Contains(await check.TaskHistory.Where(h => h.TaskId == taskId).Select(h => h.Reason).ToListAsync(),
            reason => reason == "the server stopped during step 'frames'; re-queued as run 2 of 3 (attempt 2)");
    }

    public void Dispose() => _temp.Dispose();
}
