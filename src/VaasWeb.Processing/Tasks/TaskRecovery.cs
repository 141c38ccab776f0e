using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Ingestion;
using VaasWeb.Processing.Storage;
using VaasWeb.Processing.Failures;

namespace VaasWeb.Processing.Tasks;

/// <summary>
/// On start: ingestions this node was running when it died go back to the queue as a new attempt (or fail once
/// they have used up their attempts), the steps they were in read as interrupted, every pending task is handed to
/// Quartz again, and multipart uploads cut off by the crash are deleted. Generations pick up where they were
/// (<see cref="Generation.GenerationRecovery"/>); resumable uploads wait for their clients.
/// </summary>
internal sealed class TaskRecovery(
    IDbContextFactory<VaasDbContext> dbFactory,
    TaskLifecycle lifecycle,
    TaskQueue queue,
    WorkerIdentity worker,
    MediaStorage storage,
    IOptions<IngestionOptions> options,
    ILogger<TaskRecovery> logger) : IHostedService
{
    public const string InterruptedStep = "interrupted: the server stopped during this step";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var deleted = storage.DeleteAbandonedIncoming();
        if (deleted > 0)
        {
            logger.LogInformation("Deleted {Count} partial upload(s) left by a server that stopped", deleted);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var orphaned = await db.Tasks.AsNoTracking()
            .Where(t => t.State == TaskState.InProgress && t.Kind == TaskKind.Ingestion && (t.WorkerId == worker.Id || t.WorkerId == null))
            .Select(t => new { t.Id, LastSeen = t.UpdatedAt })
            .ToListAsync(cancellationToken);
        var maxAttempts = options.Value.MaxAttempts;
        foreach (var task in orphaned)
        {
            // Where the run stood is known only to its last write: that is when each of its running steps ended.
            await db.TaskSteps.Where(s => s.TaskId == task.Id && s.State == StepState.Running)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(step => step.State, StepState.Interrupted)
                    .SetProperty(step => step.FinishedAt, task.LastSeen)
                    .SetProperty(step => step.Detail, InterruptedStep), cancellationToken);
            var change = await lifecycle.ChangeAsync(task.Id, (row, now) => Recover(row, maxAttempts, now), cancellationToken);
            logger.LogWarning("Task {TaskId} was running when the server stopped: now {State} (attempt {Attempt})",
                task.Id, change?.Task.State, change?.Task.Attempt);
        }

        var pending = await db.Tasks.AsNoTracking()
            .Where(t => t.State == TaskState.Pending && t.Kind == TaskKind.Ingestion)
            .OrderBy(t => t.CreatedAt)
            .ToListAsync(cancellationToken);
        foreach (var task in pending)
        {
            await queue.EnsureScheduledAsync(task, cancellationToken);
        }

        if (pending.Count > 0)
        {
            logger.LogInformation("Queued {Count} pending task(s)", pending.Count);
        }
    }

    internal static bool Recover(ProcessingTask task, int maxAttempts, DateTimeOffset now)
    {
        if (task.State != TaskState.InProgress)
        {
            return false;
        }

        // Runs of this task since a person last queued it: the first plus one per crash so far.
        var runs = task.Recoveries + 1;
        var where = task.CurrentStep is null ? "before its first step" : $"during step '{task.CurrentStep}'";
        if (runs >= maxAttempts)
        {
            task.Fail(ErrorCodes.GaveUp, $"The server stopped {where} on run {runs} of {maxAttempts}; not trying again.", now);
        }
        else
        {
            task.RequeueAfterCrash($"the server stopped {where}; re-queued as run {runs + 1} of {maxAttempts} (attempt {task.Attempt + 1})", now);
        }

        return true;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
