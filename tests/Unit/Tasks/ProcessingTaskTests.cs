using VaasWeb.Processing.Tasks;

namespace VaasWeb.Tests.Unit.Tasks;

[Trait("Category", "Fast")]
public class ProcessingTaskTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Create_NewTask_IsPendingFirstAttemptWithOneHistoryEntry()
    {
        var task = ProcessingTask.Create(TaskKind.Ingestion, null, "queued after upload", T0);

        Assert.Equal(TaskState.Pending, task.State);
        Assert.Equal(1, task.Attempt);
        var entry = Assert.Single(task.History);
        Assert.Null(entry.From);
        Assert.Equal(TaskState.Pending, entry.To);
        Assert.Equal("queued after upload", entry.Reason);
    }

    [Fact]
    public void Fail_RunningTask_RecordsCodeMessageStepAndTime()
    {
        var task = Running();
        task.ReportProgress("frames", 42, T0.AddSeconds(2));

        task.Fail("media_truncated", "The file is incomplete.", T0.AddSeconds(3));

        Assert.Equal(TaskState.Failed, task.State);
        Assert.Equal("media_truncated", task.ErrorCode);
        Assert.Equal("The file is incomplete.", task.ErrorMessage);
        Assert.Equal(T0.AddSeconds(3), task.FinishedAt);
        var last = task.History[^1];
        Assert.Equal((TaskState.InProgress, TaskState.Failed, "frames"), (last.From!.Value, last.To, last.Step));
    }

    [Fact]
    public void Requeue_FailedTask_IsNextAttemptWithErrorClearedAndHistoryKept()
    {
        var task = Running();
        task.Fail("ffmpeg_failed", "boom", T0.AddSeconds(5));

        task.Requeue("re-run requested", T0.AddSeconds(9));

        Assert.Equal(TaskState.Pending, task.State);
        Assert.Equal(2, task.Attempt);
        Assert.Null(task.ErrorCode);
        Assert.Null(task.ErrorMessage);
        Assert.Equal(0, task.Progress);
        Assert.Equal(
            [TaskState.Pending, TaskState.InProgress, TaskState.Failed, TaskState.Pending],
            task.History.Select(h => h.To));
        Assert.Equal(2, task.History[^1].Attempt);
    }

    [Fact]
    public void Complete_PendingTask_Throws()
    {
        var task = ProcessingTask.Create(TaskKind.Ingestion, null, "queued", T0);

        Assert.Throws<InvalidOperationException>(() => task.Complete(T0));
    }

    [Fact]
    public void TryStart_TaskAlreadyRunning_ReturnsFalseAndChangesNothing()
    {
        var task = Running();
        var version = task.Version;

        Assert.False(task.TryStart("other-node", T0.AddSeconds(1)));
        Assert.Equal("node-a", task.WorkerId);
        Assert.Equal(version, task.Version);
    }

    [Fact]
    public void ReportProgress_AfterCancelRequest_IsRefusedSoTheWorkerStops()
    {
        var task = Running();
        Assert.True(task.RequestCancel("alice", T0.AddSeconds(1)));

        Assert.False(task.ReportProgress("frames", 50, T0.AddSeconds(2)));
        Assert.False(task.RequestCancel("bob", T0.AddSeconds(3)));
        Assert.Equal("alice", task.CancelRequestedBy);
    }

    [Theory]
    [InlineData(-5, 0)]
    [InlineData(33.333, 33.3)]
    [InlineData(140, 100)]
    public void ReportProgress_OutOfRangeOrLongFraction_IsClampedAndRounded(double reported, double stored)
    {
        var task = Running();

        task.ReportProgress("audio", reported, T0.AddSeconds(1));

        Assert.Equal(stored, task.Progress);
        Assert.Equal("audio", task.CurrentStep);
    }

    [Fact]
    public void EveryChange_BumpsTheVersion()
    {
        var task = ProcessingTask.Create(TaskKind.Ingestion, null, "queued", T0);
        var versions = new List<long> { task.Version };
        task.Start("node-a", T0);
        versions.Add(task.Version);
        task.ReportProgress("probe", 5, T0);
        versions.Add(task.Version);
        task.Complete(T0);
        versions.Add(task.Version);

        Assert.Equal(versions.Order(), versions);
        Assert.Equal(versions.Count, versions.Distinct().Count());
    }

    private static ProcessingTask Running()
    {
        var task = ProcessingTask.Create(TaskKind.Ingestion, null, "queued", T0);
        task.Start("node-a", T0.AddSeconds(1));
        return task;
    }
}
