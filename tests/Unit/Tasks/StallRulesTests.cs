using VaasWeb.Processing.Tasks;

namespace VaasWeb.Tests.Unit.Tasks;

[Trait("Category", "Fast")]
public class StallRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void MarkStalled_RunningTaskSilentSinceTheCutoff_IsMarkedWithoutMovingItsLastUpdate()
    {
        var task = RunningAt("frames", T0);
        var version = task.Version;

        Assert.True(task.MarkStalled(quietSince: T0.AddMinutes(5), T0.AddMinutes(5)));

        Assert.Equal(T0.AddMinutes(5), task.StalledSince);
        Assert.Equal(T0, task.UpdatedAt);
        Assert.True(task.Version > version);
        Assert.Equal(T0.AddMinutes(5), TaskSnapshot.Of(task).StalledSince);
    }

    [Fact]
    public void MarkStalled_TaskThatMovedSinceTheCutoffOrIsMarkedOrNotRunning_IsLeftAlone()
    {
        var moved = RunningAt("frames", T0);
        var marked = RunningAt("frames", T0);
        marked.MarkStalled(T0, T0.AddMinutes(1));
        var done = RunningAt("frames", T0);
        done.Complete(T0);

        Assert.False(moved.MarkStalled(quietSince: T0.AddSeconds(-1), T0.AddMinutes(5)));
        Assert.False(marked.MarkStalled(T0.AddMinutes(5), T0.AddMinutes(5)));
        Assert.Equal(T0.AddMinutes(1), marked.StalledSince);
        Assert.False(done.MarkStalled(T0.AddMinutes(5), T0.AddMinutes(5)));
    }

    [Fact]
    public void Stalled_AnyProgressOrChangeOfState_ClearsIt()
    {
        var progressing = RunningAt("frames", T0);
        progressing.MarkStalled(T0, T0.AddMinutes(5));
        var failing = RunningAt("frames", T0);
        failing.MarkStalled(T0, T0.AddMinutes(5));

        progressing.ReportProgress("frames", 50, T0.AddMinutes(6));
        failing.Fail("step_timeout", "out of time", T0.AddMinutes(6));

        Assert.Null(progressing.StalledSince);
        Assert.Null(failing.StalledSince);
    }

    [Fact]
    public void Recover_AStalledRun_SaysWhatHappenedWhereAndWhichAttemptComesNext()
    {
        var task = RunningAt("transcript", T0);

        TaskRecovery.Recover(task, maxAttempts: 3, T0.AddMinutes(10), "stalled on node-b: no progress for 10 min");

        Assert.Equal((TaskState.Pending, 2), (task.State, task.Attempt));
        Assert.Equal("stalled on node-b: no progress for 10 min during step 'transcript'; re-queued as run 2 of 3 (attempt 2)", task.History[^1].Reason);
    }

    [Fact]
    public void Recover_AStalledRunOnItsLastAttempt_GivesUpSayingSo()
    {
        var task = RunningAt("frames", T0);

        TaskRecovery.Recover(task, maxAttempts: 1, T0.AddMinutes(10), "stalled on node-b: no progress for 10 min");

        Assert.Equal(("gave_up", "Stalled on node-b: no progress for 10 min during step 'frames' on run 1 of 1; not trying again."), (task.ErrorCode, task.ErrorMessage));
    }

    [Theory]
    [InlineData(300, 30)]
    [InlineData(20, 4)]
    [InlineData(2, 1)]
    public void CheckInterval_IsAFifthOfTheStallTimeWithinOneAndThirtySeconds(double stallAfter, double every)
    {
        Assert.Equal(TimeSpan.FromSeconds(every), new TasksOptions { StallAfterSeconds = stallAfter }.CheckInterval);
    }

    [Fact]
    public void Validate_TasksSettings_NamesEachBrokenOne()
    {
        var defaults = new TasksOptionsValidator().Validate(null, new TasksOptions());
        var broken = new TasksOptionsValidator().Validate(null, new TasksOptions { StallAfterSeconds = 0, StallGraceSeconds = -1 });

        Assert.True(defaults.Succeeded);
        Assert.Equal(["Tasks:StallAfterSeconds must be between 1 and 86400 seconds (got 0).", "Tasks:StallGraceSeconds must be between 0 and 86400 seconds (got -1)."],
            broken.Failures);
    }

    private static ProcessingTask RunningAt(string step, DateTimeOffset at)
    {
        var task = ProcessingTask.Create(TaskKind.Ingestion, null, "queued", at);
        task.Start("node-b", at);
        task.ReportProgress(step, 40, at);
        return task;
    }
}
