using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Failures;

namespace VaasWeb.Processing.Tasks;

/// <summary>
/// On start, before the scheduler runs: each kind is told which of its tasks this node was running when it stopped
/// (<see cref="ITaskKindHandler.RecoverAsync"/>), then every pending task is handed to Quartz again. Kinds that
/// simply run again after a crash use <see cref="CrashedRuns"/>.
/// </summary>
public sealed class TaskRecovery(
    IDbContextFactory<VaasDbContext> dbFactory,
    TaskQueue queue,
    TaskKinds kinds,
    WorkerIdentity worker,
    ILogger<TaskRecovery> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        foreach (var kind in kinds.All)
        {
            var orphaned = await db.Tasks.AsNoTracking().Include(t => t.Video)
                .Where(t => t.Kind == kind && t.State == TaskState.InProgress && (t.WorkerId == worker.Id || t.WorkerId == null))
                .OrderBy(t => t.StartedAt)
                .ToListAsync(cancellationToken);
            // Called even with none: a kind may also restore state of its own (MiniMax's submit window).
            await kinds[kind].RecoverAsync(orphaned, cancellationToken);
        }

        var pending = await db.Tasks.AsNoTracking()
            .Where(t => t.State == TaskState.Pending)
            .OrderBy(t => t.CreatedAt)
            .ToListAsync(cancellationToken);
        var scheduled = 0;
        foreach (var task in pending.Where(t => kinds.IsKnown(t.Kind)))
        {
            scheduled += await queue.EnsureScheduledAsync(task, cancellationToken) ? 1 : 0;
        }

        if (scheduled > 0)
        {
            logger.LogInformation("Queued {Count} pending task(s)", scheduled);
        }
    }

    /// <param name="what">What happened to the run, as the start of a sentence: "the server stopped", "node b stopped",
    /// "stalled on node b: no progress for 5 min".</param>
    internal static bool Recover(ProcessingTask task, int maxAttempts, DateTimeOffset now, string what = "the server stopped")
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
            task.Fail(ErrorCodes.GaveUp, $"{char.ToUpperInvariant(what[0])}{what[1..]} {where} on run {runs} of {maxAttempts}; not trying again.", now);
        }
        else
        {
            task.RequeueAfterCrash($"{what} {where}; re-queued as run {runs + 1} of {maxAttempts} (attempt {task.Attempt + 1})", now);
        }

        return true;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
