using VaasWeb.Processing.Tasks;

namespace VaasWeb.Tests.Unit.Tasks;

[Trait("Category", "Fast")]
public class TaskRecoveryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Recover_RunningTaskWithAttemptsLeft_IsRequeuedAsNextAttemptSayingWhereItStopped()
    {
        var task = RunningAt("frames", attempt: 1);

        Assert.True(TaskRecovery.Recover(task, maxAttempts: 3, T0.AddMinutes(1)));

        Assert.Equal(TaskState.Pending, task.State);
        Assert.Equal(2, task.Attempt);
        Assert.Contains("during step 'frames'", task.History[^1].Reason);
        Assert.Contains("run 2 of 3", task.History[^1].Reason);
    }

    [Fact]
    public void Recover_RunningTaskOnLastAttempt_FailsAsGaveUp()
    {
        var task = RunningAt("audio", attempt: 3);

        Assert.True(TaskRecovery.Recover(task, maxAttempts: 3, T0.AddMinutes(1)));

        Assert.Equal(TaskState.Failed, task.State);
        Assert.Equal("gave_up", task.ErrorCode);
        Assert.Contains("run 3 of 3", task.ErrorMessage);
    }

    [Fact]
    public void Recover_AfterPeopleReranTheTaskTwice_StillRetriesBecauseReRunsAreNotCrashes()
    {
        var task = RunningAt("frames", attempt: 1);
        task.Complete(T0);
        task.Requeue("re-run requested", T0);
        task.Start("node", T0);
        task.Fail("cancelled", "cancelled", T0);
        task.Requeue("re-run requested", T0);
        task.Start("node", T0);

        TaskRecovery.Recover(task, maxAttempts: 3, T0);

        Assert.Equal((TaskState.Pending, 4), (task.State, task.Attempt));
    }

    [Fact]
    public void Recover_FinishedTask_IsLeftAlone()
    {
        var task = RunningAt("audio", attempt: 1);
        task.Complete(T0);

        Assert.False(TaskRecovery.Recover(task, 3, T0));
        Assert.Equal(TaskState.Completed, task.State);
    }

    private static ProcessingTask RunningAt(string step, int attempt)
    {
        var task = ProcessingTask.Create(TaskKind.Ingestion, null, "queued", T0);
        task.Start("node", T0);
        for (var i = 1; i < attempt; i++)
        {
            task.RequeueAfterCrash("again", T0);
            task.Start("node", T0);
        }

        task.ReportProgress(step, 10, T0);
        return task;
    }
}
