using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Videos;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.Ingestion;

/// <summary>Cancel, shutdown, restart, re-run and the concurrency limit, against real ffmpeg and a real SQLite file.</summary>
public sealed class IngestionLifecycleTests : IDisposable
{
    /// <summary>A frame every 1/25 s of a 720p minute: long enough for ffmpeg to be caught mid-run.</summary>
    private static readonly VideoSpec SlowVideo = new(Seconds: 60, Width: 1280, Height: 720, Audio: false);

    private static readonly Dictionary<string, string?> EveryFrame = new() { ["Ingestion:FrameIntervalSeconds"] = "0.04" };

    private readonly TempDirectory _temp = new();

    [Fact]
    public async Task Cancel_RunningIngestion_KillsFfmpegAndFailsAsCancelledLeavingNoFrames()
    {
        await using var host = await ProcessingHost.StartAsync(_temp.Path, EveryFrame);
        var upload = await UploadAsync(host, SlowVideo);
        var derived = upload.Video.Id.ToString("N");
        await WaitForFfmpegAsync(host, upload, derived);

        var (outcome, _) = await host.Get<TaskCommands>().CancelAsync(upload.Task!.Id, TestActors.Named("alice"), null, CancellationToken.None);
        var done = await host.Events.WaitForFinishAsync(upload.Task.Id);

        Assert.Equal(CancelOutcome.Stopping, outcome);
        Assert.Equal(TaskState.Failed, done.State);
        Assert.Equal("cancelled", done.ErrorCode);
        Assert.Equal("cancelled by alice", done.ErrorMessage);
        Assert.Empty(FfmpegProcesses.Matching(derived));
        Assert.False(Directory.Exists(Path.Combine(host.Storage.Root, "derived", derived, "frames")));
        await using var db = await host.DbAsync();
        Assert.Equal(0, await db.Frames.CountAsync());
        Assert.Equal("cancelled", (await db.TaskSteps.SingleAsync(s => s.Name == "frames")).Detail);
    }

    [Fact]
    public async Task Cancel_PendingIngestion_FailsAtOnceAndNeverRuns()
    {
        await using var host = await ProcessingHost.StartAsync(_temp.Path, EveryFrame);
        var first = await UploadAsync(host, SlowVideo);
        var second = await UploadAsync(host, new VideoSpec(Seconds: 2));

        var (outcome, task) = await host.Get<TaskCommands>().CancelAsync(second.Task!.Id, null, null, CancellationToken.None);
        await host.Get<TaskCommands>().CancelAsync(first.Task!.Id, null, null, CancellationToken.None);
        await host.Events.WaitForFinishAsync(first.Task.Id);

        Assert.Equal(CancelOutcome.Cancelled, outcome);
        Assert.Equal((TaskState.Failed, "cancelled"), (task!.State, task.ErrorCode));
        Assert.DoesNotContain(host.Events.For(second.Task.Id), s => s.State == TaskState.InProgress);
    }

    [Fact]
    public async Task Shutdown_MidIngestion_HandsTheTaskBackAndTheNextStartFinishesIt()
    {
        ImportedVideo upload;
        await using (var host = await ProcessingHost.StartAsync(_temp.Path, EveryFrame))
        {
            upload = await UploadAsync(host, SlowVideo);
            await WaitForFfmpegAsync(host, upload, upload.Video.Id.ToString("N"));
        }

        Assert.Empty(FfmpegProcesses.Matching(upload.Video.Id.ToString("N")));
        await using (var restarted = await ProcessingHost.StartAsync(_temp.Path))
        {
            var done = await restarted.Events.WaitForFinishAsync(upload.Task!.Id, TimeSpan.FromMinutes(3));

            Assert.Equal(TaskState.Completed, done.State);
            Assert.Equal(1, done.Attempt);
            await using var db = await restarted.DbAsync();
            var history = await db.TaskHistory.Where(h => h.TaskId == done.TaskId).OrderBy(h => h.Id).ToListAsync();
            Assert.Contains(history, h => h.To == TaskState.Pending && h.Reason.Contains("the server stopped"));
            Assert.Equal(60, await db.Frames.CountAsync());
            // The handed-back run's unfinished steps were replaced, not listed twice for the same attempt.
            var steps = await db.TaskSteps.Where(s => s.TaskId == done.TaskId).OrderBy(s => s.Ordinal).Select(s => s.Name).ToListAsync();
            Assert.Equal(IngestionTests.AllSteps, steps);
        }
    }

    [Fact]
    public async Task Restart_TaskLeftInProgress_IsRequeuedAsNextAttemptAndCompletes()
    {
        Guid taskId;
        await using (var host = await ProcessingHost.StartAsync(_temp.Path))
        {
            taskId = await LeaveRunningTaskAsync(host, attempt: 1, step: "frames");
        }

        await using var restarted = await ProcessingHost.StartAsync(_temp.Path);
        var done = await restarted.Events.WaitForFinishAsync(taskId);

        Assert.Equal(TaskState.Completed, done.State);
        Assert.Equal(2, done.Attempt);
        await using var db = await restarted.DbAsync();
        var reasons = await db.TaskHistory.Where(h => h.TaskId == taskId).OrderBy(h => h.Id).Select(h => h.Reason).ToListAsync();
        Assert.Contains("the server stopped during step 'frames'; re-queued as run 2 of 3 (attempt 2)", reasons);
    }

    [Fact]
    public async Task Restart_TaskLeftInProgressOnItsLastAttempt_Fails()
    {
        Guid taskId;
        await using (var host = await ProcessingHost.StartAsync(_temp.Path))
        {
            taskId = await LeaveRunningTaskAsync(host, attempt: 3, step: "audio");
        }

        await using var restarted = await ProcessingHost.StartAsync(_temp.Path);
        var task = await restarted.Get<TaskLifecycle>().GetSnapshotAsync(taskId, CancellationToken.None);

        Assert.Equal((TaskState.Failed, "gave_up"), (task!.State, task.ErrorCode));
        Assert.Contains("during step 'audio' on run 3 of 3", task.ErrorMessage);
    }

    [Fact]
    public async Task Cancel_TaskLeftRunningByADeadProcess_EndsAtOnceInsteadOfWaitingForever()
    {
        await using var host = await ProcessingHost.StartAsync(_temp.Path);
        var taskId = await LeaveRunningTaskAsync(host, attempt: 1, step: "frames");

        var (outcome, task) = await host.Get<TaskCommands>().CancelAsync(taskId, TestActors.Named("dave"), null, CancellationToken.None);

        Assert.Equal(CancelOutcome.Cancelled, outcome);
        Assert.Equal((TaskState.Failed, "cancelled by dave"), (task!.State, task.ErrorMessage));
    }

    [Fact]
    public async Task QueueSweep_PendingTaskWithoutATrigger_IsScheduledAndRuns()
    {
        await using var host = await ProcessingHost.StartAsync(_temp.Path);
        var imported = await UploadAsync(host, new VideoSpec(Seconds: 2), autoStart: false);
        Guid taskId;
        await using (var db = await host.DbAsync())
        {
            // Saved, but its scheduling never happened (the request died in between).
            var video = await db.Videos.SingleAsync(v => v.Id == imported.Video.Id);
            var task = ProcessingTask.Create(TaskKind.Ingestion, video, "queued", DateTimeOffset.UtcNow);
            db.Tasks.Add(task);
            await db.SaveChangesAsync();
            taskId = task.Id;
        }

        await host.Get<QueueSweepJob>().Execute(null!, CancellationToken.None);

        Assert.Equal(TaskState.Completed, (await host.Events.WaitForFinishAsync(taskId)).State);
    }

    [Fact]
    public async Task Rerun_WhileAnotherIngestionOfTheSameVideoIsQueued_IsRefused()
    {
        await using var host = await ProcessingHost.StartAsync(_temp.Path, EveryFrame);
        var upload = await UploadAsync(host, SlowVideo);
        await host.Get<TaskCommands>().CancelAsync(upload.Task!.Id, null, null, CancellationToken.None);
        await host.Events.WaitForFinishAsync(upload.Task.Id);
        var second = await host.Get<VideoImporter>().QueueIngestionAsync(host.Storage.ToAbsolute(upload.Video.StoredPath), null, CancellationToken.None);

        var (outcome, _) = await host.Get<TaskCommands>().RerunAsync(upload.Task.Id, null, CancellationToken.None);

        Assert.Equal(RerunOutcome.VideoBusy, outcome);
        await host.Get<TaskCommands>().CancelAsync(second.Task!.Id, null, null, CancellationToken.None);
        await host.Events.WaitForFinishAsync(second.Task.Id);
    }

    [Fact]
    public async Task Rerun_AfterTheIntervalChanged_ReplacesEarlierOutputsInsteadOfMixingThem()
    {
        ImportedVideo upload;
        await using (var host = await ProcessingHost.StartAsync(_temp.Path))
        {
            upload = await UploadAsync(host, new VideoSpec(Seconds: 10));
            await host.Events.WaitForFinishAsync(upload.Task!.Id);
        }

        await using var rerunHost = await ProcessingHost.StartAsync(_temp.Path, new Dictionary<string, string?> { ["Ingestion:FrameIntervalSeconds"] = "2" });
        var (outcome, _) = await rerunHost.Get<TaskCommands>().RerunAsync(upload.Task!.Id, TestActors.Named("bob"), CancellationToken.None);
        var done = await rerunHost.Events.WaitForAsync(upload.Task.Id, s => s is { Attempt: 2, State: TaskState.Completed });

        Assert.Equal(RerunOutcome.Queued, outcome);
        await using var db = await rerunHost.DbAsync();
        Assert.Equal([0.0, 2, 4, 6, 8], await db.Frames.OrderBy(f => f.Index).Select(f => f.TimestampSeconds).ToListAsync());
        var frameFiles = Directory.GetFiles(Path.Combine(rerunHost.Storage.Root, "derived", upload.Video.Id.ToString("N"), "frames"));
        Assert.Equal(5, frameFiles.Length);
        Assert.Equal(2, await db.AudioChunks.CountAsync());
        var history = await db.TaskHistory.Where(h => h.TaskId == done.TaskId).OrderBy(h => h.Id).ToListAsync();
        Assert.Equal([TaskState.Pending, TaskState.InProgress, TaskState.Completed, TaskState.Pending, TaskState.InProgress, TaskState.Completed],
            history.Select(h => h.To));
        Assert.Equal("re-run requested by bob", history[3].Reason);
        Assert.Equal(2, await db.TaskSteps.Where(s => s.TaskId == done.TaskId).Select(s => s.Attempt).Distinct().CountAsync());
    }

    [Fact]
    public async Task Rerun_TaskStillRunning_IsRefused()
    {
        await using var host = await ProcessingHost.StartAsync(_temp.Path, EveryFrame);
        var upload = await UploadAsync(host, SlowVideo);
        await host.Events.WaitForAsync(upload.Task!.Id, s => s.State == TaskState.InProgress);

        var (outcome, _) = await host.Get<TaskCommands>().RerunAsync(upload.Task.Id, null, CancellationToken.None);

        Assert.Equal(RerunOutcome.NotFinished, outcome);
        await host.Get<TaskCommands>().CancelAsync(upload.Task.Id, null, null, CancellationToken.None);
        await host.Events.WaitForFinishAsync(upload.Task.Id);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task MaxConcurrentJobs_LimitsHowManyIngestionsRunAtOnce(int limit)
    {
        await using var host = await ProcessingHost.StartAsync(_temp.Path, new Dictionary<string, string?> { ["Ingestion:MaxConcurrentJobs"] = limit.ToString() });
        var uploads = new List<ImportedVideo>();
        for (var i = 0; i < 4; i++)
        {
            uploads.Add(await UploadAsync(host, new VideoSpec(Seconds: 8)));
        }

        var finished = new List<TaskSnapshot>();
        foreach (var upload in uploads)
        {
            finished.Add(await host.Events.WaitForFinishAsync(upload.Task!.Id, TimeSpan.FromMinutes(2)));
        }

        Assert.All(finished, f => Assert.Equal(TaskState.Completed, f.State));
        // At each moment one starts, how many are running (started, not yet finished)?
        var mostAtOnce = finished.Max(a => finished.Count(b => b.StartedAt <= a.StartedAt && a.StartedAt < b.FinishedAt));
        Assert.Equal(limit, mostAtOnce);
    }

    private static async Task WaitForFfmpegAsync(ProcessingHost host, ImportedVideo upload, string derived)
    {
        // The silent video's sound lane is skipped at once, so the frames are what runs; then their ffmpeg is seen working.
        await host.Events.WaitForAsync(upload.Task!.Id, s => s.Step == "frames");
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (FfmpegProcesses.Matching($"{derived}/frames").Count == 0)
        {
            await Task.Delay(20, patience.Token);
        }
    }

    private static async Task<Guid> LeaveRunningTaskAsync(ProcessingHost host, int attempt, string step)
    {
        var temp = host.Storage.NewIncomingPath();
        await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 3), temp);
        var imported = await host.Get<VideoImporter>().ImportUploadAsync(temp, "left.mp4", new FileInfo(temp).Length, "unknown", autoStart: false, null, CancellationToken.None);
        await using var db = await host.DbAsync();
        var video = await db.Videos.SingleAsync(v => v.Id == imported.Video.Id);
        var task = ProcessingTask.Create(TaskKind.Ingestion, video, "queued", DateTimeOffset.UtcNow);
        task.Start("test-node", DateTimeOffset.UtcNow);
        for (var i = 1; i < attempt; i++)
        {
            task.RequeueAfterCrash("earlier crash", DateTimeOffset.UtcNow);
            task.Start("test-node", DateTimeOffset.UtcNow);
        }

        task.ReportProgress(step, 40, DateTimeOffset.UtcNow);
        db.Tasks.Add(task);
        await db.SaveChangesAsync();
        return task.Id;
    }

    private static async Task<ImportedVideo> UploadAsync(ProcessingHost host, VideoSpec spec, bool autoStart = true)
    {
        var temp = host.Storage.NewIncomingPath();
        await TestMedia.CopyVideoAsync(spec, temp);
        await using var stream = File.OpenRead(temp);
        var sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream));
        return await host.Get<VideoImporter>().ImportUploadAsync(temp, "v.mp4", stream.Length, sha, autoStart, null, CancellationToken.None);
    }

    public void Dispose() => _temp.Dispose();
}
