using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using VaasWeb.Processing.Data;

namespace VaasWeb.Processing.Tasks;

/// <summary>What becomes of runs a crash cut off, for kinds that simply run again (see <see cref="ITaskKindHandler.RecoverAsync"/>).</summary>
public sealed class CrashedRuns(IDbContextFactory<VaasDbContext> dbFactory, TaskLifecycle lifecycle, WorkerIdentity worker, ILogger<CrashedRuns> logger)
{
    public const string InterruptedStep = "interrupted: the server stopped during this step";

    /// <summary>
    /// The usual answer to a crash: the steps the dead run was in read as interrupted (ended at its last write), and the
    /// task goes back to the queue as a new attempt, or fails once it has used up <paramref name="maxAttempts"/>.
    /// </summary>
    public async Task RunAgainAsync(IReadOnlyList<ProcessingTask> orphaned, int maxAttempts, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        foreach (var orphan in orphaned)
        {
            // Where the run stood is known only to its last write: that is when each of its running steps ended.
            await db.TaskSteps.Where(s => s.TaskId == orphan.Id && s.State == StepState.Running)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(step => step.State, StepState.Interrupted)
                    .SetProperty(step => step.FinishedAt, orphan.UpdatedAt)
                    .SetProperty(step => step.Detail, InterruptedStep), cancellationToken);
            // A task adopted from a node that died says which node it was; after this node's own restart, "the server".
            var who = orphan.WorkerId is { } node && node != worker.Id ? $"node {node}" : "the server";
            var change = await lifecycle.ChangeAsync(orphan.Id, (task, now) => TaskRecovery.Recover(task, maxAttempts, now, who), cancellationToken);
            logger.LogWarning("Task {TaskId} was running when {Who} stopped: now {State} (attempt {Attempt})",
                orphan.Id, who, change?.Task.State, change?.Task.Attempt);
        }
    }
}
