using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Ingestion;
using VaasWeb.Processing.Storage;

namespace VaasWeb.Processing.Tasks;

/// <summary>
/// On start: ingestions this node was running when it died go back to the queue as a new attempt (or fail once
/// they have used up their attempts), every pending task is handed to Quartz again, and uploads abandoned
/// mid-transfer are deleted. Generations pick up where they were (<see cref="Generation.GenerationRecovery"/>).
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
    /// <summary>Another node sharing the media root may still be writing a younger file.</summary>
    private static readonly TimeSpan AbandonedUploadAge = TimeSpan.FromHours(1);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var deleted = storage.DeleteStaleIncoming(AbandonedUploadAge, lifecycle.Now);
        if (deleted > 0)
        {
            logger.LogInformation("Deleted {Count} abandoned partial upload(s)", deleted);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var orphaned = await db.Tasks.AsNoTracking()
            .Where(t => t.State == TaskState.InProgress && t.Kind == TaskKind.Ingestion && (t.WorkerId == worker.Id || t.WorkerId == null))
            .Select(t => t.Id)
            .ToListAsync(cancellationToken);
        var maxAttempts = options.Value.MaxAttempts;
        foreach (var taskId in orphaned)
        {
            var change = await lifecycle.ChangeAsync(taskId, (task, now) => Recover(task, maxAttempts, now), cancellationToken);
            logger.LogWarning("Task {TaskId} was running when the server stopped: now {State} (attempt {Attempt})",
                taskId, change?.Task.State, change?.Task.Attempt);
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
            task.Fail("gave_up", $"The server stopped {where} on run {runs} of {maxAttempts}; not trying again.", now);
        }
        else
        {
            task.RequeueAfterCrash($"the server stopped {where}; re-queued as run {runs + 1} of {maxAttempts} (attempt {task.Attempt + 1})", now);
        }

        return true;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
