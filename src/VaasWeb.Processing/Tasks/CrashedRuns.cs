using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Data;

namespace VaasWeb.Processing.Tasks;

/// <summary>
/// What becomes of runs a crash cut off, or the watchdog found stalled, for kinds that simply run again (see
/// <see cref="ITaskKindHandler.RecoverAsync"/> and <see cref="ITaskKindHandler.RecoverStalledAsync"/>).
/// </summary>
public sealed class CrashedRuns(IDbContextFactory<VaasDbContext> dbFactory, TaskLifecycle lifecycle, WorkerIdentity worker)
{
    public const string InterruptedStep = "interrupted: the server stopped during this step";

    /// <summary>
    /// The usual answer to a crash: the task goes back to the queue as a new attempt, or fails once it has used up
    /// <paramref name="maxAttempts"/>, and the steps the dead run was in read as interrupted (ended at its last write).
    /// Each end or retry is logged where it is written (<see cref="TaskLifecycle"/>).
    /// </summary>
    public async Task RunAgainAsync(IReadOnlyList<ProcessingTask> orphaned, int maxAttempts, CancellationToken cancellationToken)
    {
        foreach (var orphan in orphaned)
        {
            // A task adopted from a node that died says which node it was; after this node's own restart, "the server".
            var who = orphan.WorkerId is { } node && node != worker.Id ? $"node {node}" : "the server";
            await RunAgainAsync(orphan, (task, now) => TaskRecovery.Recover(task, maxAttempts, now, $"{who} stopped"), InterruptedStep, cancellationToken);
        }
    }

    /// <summary>
    /// As after a crash, for runs the watchdog found stalled past their grace period (their node may be alive and stuck,
    /// or gone). <paramref name="stillStalled"/> looks at the row as it is when written and says what happened in words
    /// ("stalled on node-b: no progress for 5 min"), or null when the task moved meanwhile and is left alone.
    /// </summary>
    public async Task RunAgainAfterStallAsync(IReadOnlyList<ProcessingTask> stalled, int maxAttempts, Func<ProcessingTask, DateTimeOffset, string?> stillStalled,
        CancellationToken cancellationToken)
    {
        foreach (var run in stalled)
        {
            string? what = null;
            await RunAgainAsync(run, (task, now) => (what = stillStalled(task, now)) is not null && TaskRecovery.Recover(task, maxAttempts, now, what),
                () => $"interrupted: {what}", cancellationToken);
        }
    }

    private Task RunAgainAsync(ProcessingTask orphan, Func<ProcessingTask, DateTimeOffset, bool> recover, string stepDetail, CancellationToken cancellationToken) =>
        RunAgainAsync(orphan, recover, () => stepDetail, cancellationToken);

    private async Task RunAgainAsync(ProcessingTask orphan, Func<ProcessingTask, DateTimeOffset, bool> recover, Func<string> stepDetail, CancellationToken cancellationToken)
    {
        var change = await lifecycle.ChangeAsync(orphan.Id, recover, cancellationToken);
        if (change is not { Changed: true })
        {
            return;
        }

        // Where the run stood is known only to its last write: that is when each of its running steps ended. Only the
        // dead run's attempt: the next one may already be under way.
        var detail = stepDetail();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.TaskSteps.Where(s => s.TaskId == orphan.Id && s.Attempt == orphan.Attempt && s.State == StepState.Running)
            .ExecuteUpdateAsync(s => s
                .SetProperty(step => step.State, StepState.Interrupted)
                .SetProperty(step => step.FinishedAt, orphan.UpdatedAt)
                .SetProperty(step => step.Detail, detail), cancellationToken);
    }
}
