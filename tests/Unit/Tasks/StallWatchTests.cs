using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Failures;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Videos;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.Tasks;

/// <summary>
/// The watchdog against a real SQLite file, real Quartz and real ffmpeg: a running ingestion whose progress stopped is
/// marked stalled (what the board and the pushes carry) and, after the grace period, re-queued as a new attempt, whether
/// its node is gone or its run is stuck here; a generation waiting on MiniMax is never judged by progress.
/// </summary>
public sealed class StallWatchTests : IDisposable
{
    /// <summary>Stalled after 3 s without progress, re-queued 4 s later: a healthy run never goes that long without a write.</summary>
    private static readonly Dictionary<string, string?> ShortStalls = new()
    {
        ["Tasks:StallAfterSeconds"] = "3",
        ["Tasks:StallGraceSeconds"] = "4",
    };

    private readonly TempDirectory _temp = new();

    [Fact]
    public async Task RunningIngestionOfANodeThatIsGone_IsMarkedStalledThenRequeuedAsAttempt2AndCompletes()
    {
        await using var host = await ProcessingHost.StartAsync(_temp.Combine("data"), ShortStalls);
        var (taskId, _) = await LeaveRunningAsync(host, TaskKind.Ingestion, "node-gone", step: "frames");
        var (generationId, _) = await LeaveRunningAsync(host, TaskKind.Generation, "node-gone", step: "waiting");

        var stalled = await host.Events.WaitForAsync(taskId, s => s.StalledSince is not null);
        var done = await host.Events.WaitForFinishAsync(taskId, TimeSpan.FromMinutes(2));

        Assert.Equal((TaskState.InProgress, 1, "node-gone", "frames"), (stalled.State, stalled.Attempt, stalled.Node, stalled.Step));
        Assert.Equal((TaskState.Completed, 2), (done.State, done.Attempt));
        Assert.Null(done.StalledSince);
        await using var db = await host.DbAsync();
        var requeued = await db.TaskHistory.Where(h => h.TaskId == taskId && h.To == TaskState.Pending && h.Attempt == 2).SingleAsync();
        Assert.Matches(@"^stalled on node-gone: no progress for \d+(\.\d)? s during step 'frames'; re-queued as run 2 of 3 \(attempt 2\)$", requeued.Reason);
        var deadStep = await db.TaskSteps.SingleAsync(s => s.TaskId == taskId && s.Attempt == 1);
        Assert.Equal(StepState.Interrupted, deadStep.State);
        Assert.StartsWith("interrupted: stalled on node-gone: no progress for ", deadStep.Detail);
        Assert.Equal(Ingestion.IngestionTests.AllSteps, IngestionStepsOf(db, taskId, attempt: 2));
        // A generation writes only changes while MiniMax works on it: silence is not a stall.
        var generation = await db.Tasks.AsNoTracking().SingleAsync(t => t.Id == generationId);
        Assert.Equal((TaskState.InProgress, null), (generation.State, generation.StalledSince));
        Assert.DoesNotContain(host.Events.For(generationId), s => s.StalledSince is not null);
    }

    [Fact]
    public async Task IngestionStuckOnThisNode_IsKilledAndRequeuedUntilItsAttemptsAreUsedUp()
    {
        var tools = new ToolFolder(_temp.Combine("tools"));
        // ffmpeg hangs on the frames without a word of progress, long before any step budget would end it.
        tools.HangFfmpegOn("/frames/%06d.jpg");
        await using var host = await ProcessingHost.StartAsync(_temp.Combine("data"), new Dictionary<string, string?>(ShortStalls)
        {
            ["Media:FfmpegFolder"] = tools.Path,
            ["Ingestion:MaxAttempts"] = "2",
        });
        var upload = await UploadAsync(host, new VideoSpec(Seconds: 10, Audio: false));
        var derived = upload.Video.Id.ToString("N");

        var firstStall = await host.Events.WaitForAsync(upload.Task!.Id, s => s is { Attempt: 1, StalledSince: not null });
        var secondRun = await host.Events.WaitForAsync(upload.Task.Id, s => s is { Attempt: 2, State: TaskState.InProgress });
        var done = await host.Events.WaitForFinishAsync(upload.Task.Id, TimeSpan.FromMinutes(2));

        Assert.Equal(("frames", "test-node"), (firstStall.Step, firstStall.Node));
        Assert.NotNull(secondRun);
        Assert.Equal((TaskState.Failed, ErrorCodes.GaveUp, 2), (done.State, done.ErrorCode, done.Attempt));
        Assert.Matches(@"^Stalled on test-node: no progress for \d+(\.\d)? s during step 'frames' on run 2 of 2; not trying again\.$", done.ErrorMessage);
        // Each stuck run's ffmpeg was killed when its task was taken from it; nothing is left running.
        await WaitUntilAsync(() => FfmpegProcesses.Matching(derived).Count == 0);
        await using var db = await host.DbAsync();
        var frames = await db.TaskSteps.Where(s => s.TaskId == done.TaskId && s.Name == "frames").OrderBy(s => s.Attempt).ToListAsync();
        Assert.Equal([StepState.Interrupted, StepState.Interrupted], frames.Select(s => s.State));
    }

    private static List<string> IngestionStepsOf(VaasWeb.Processing.Data.VaasDbContext db, Guid taskId, int attempt) =>
        db.TaskSteps.Where(s => s.TaskId == taskId && s.Attempt == attempt).OrderBy(s => s.Ordinal).Select(s => s.Name).ToList();

    /// <summary>A task row left running by a node that is gone: its last progress just now, a step row still running.</summary>
    private static async Task<(Guid TaskId, Guid VideoId)> LeaveRunningAsync(ProcessingHost host, TaskKind kind, string node, string step)
    {
        var temp = host.Storage.NewIncomingPath();
        await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 3), temp);
        var imported = await host.Get<VideoImporter>().ImportUploadAsync(temp, $"{kind}.mp4", new FileInfo(temp).Length, Guid.NewGuid().ToString("N"),
            autoStart: false, null, CancellationToken.None);
        await using var db = await host.DbAsync();
        var video = await db.Videos.SingleAsync(v => v.Id == imported.Video.Id);
        var now = DateTimeOffset.UtcNow;
        var task = ProcessingTask.Create(kind, video, "queued", now);
        task.Start(node, now);
        task.ReportProgress(step, 40, now);
        db.Tasks.Add(task);
        db.TaskSteps.Add(new TaskStep(task.Id, task.Attempt, 1, step, now));
        await db.SaveChangesAsync();
        return (task.Id, video.Id);
    }

    private static async Task<ImportedVideo> UploadAsync(ProcessingHost host, VideoSpec spec)
    {
        var temp = host.Storage.NewIncomingPath();
        await TestMedia.CopyVideoAsync(spec, temp);
        await using var stream = File.OpenRead(temp);
        var sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream));
        return await host.Get<VideoImporter>().ImportUploadAsync(temp, "v.mp4", stream.Length, sha, autoStart: true, null, CancellationToken.None);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(50, patience.Token);
        }
    }

    public void Dispose() => _temp.Dispose();
}
