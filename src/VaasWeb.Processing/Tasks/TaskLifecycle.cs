using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using VaasWeb.Processing.Data;

namespace VaasWeb.Processing.Tasks;

/// <summary>
/// Applies changes to task rows with optimistic concurrency and publishes each committed change. Every status
/// and progress write goes through here, so the database and what viewers see never disagree.
/// </summary>
public sealed class TaskLifecycle(
    IDbContextFactory<VaasDbContext> dbFactory,
    ITaskEventSink events,
    TimeProvider clock,
    ILogger<TaskLifecycle> logger)
{
    private const int MaxConflictRetries = 8;

    public DateTimeOffset Now => clock.GetUtcNow();

    public TimeProvider Clock => clock;

    internal ILogger Logger => logger;

    /// <summary>
    /// Loads a task, lets <paramref name="change"/> mutate it (returning whether it did), saves and publishes.
    /// A write that raced with another is retried on fresh data. Returns null when the task does not exist.
    /// </summary>
    public async Task<TaskChange?> ChangeAsync(Guid taskId, Func<ProcessingTask, DateTimeOffset, bool> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var task = await db.Tasks.Include(t => t.Video).FirstOrDefaultAsync(t => t.Id == taskId, cancellationToken);
            if (task is null)
            {
                return null;
            }

            if (!change(task, Now))
            {
                return new TaskChange(task, Changed: false);
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException) when (attempt < MaxConflictRetries)
            {
                logger.LogDebug("Task {TaskId} changed underneath us; retrying on fresh data", taskId);
                continue;
            }

            await PublishAsync(task);
            return new TaskChange(task, Changed: true);
        }
    }

    public async Task PublishAsync(ProcessingTask task)
    {
        try
        {
            await events.PublishAsync(TaskSnapshot.Of(task));
        }
        catch (Exception e)
        {
            // Viewers missing an update must never fail the work; they catch up from the database.
            logger.LogWarning(e, "Publishing an update of task {TaskId} failed", task.Id);
        }
    }

    /// <summary>Starts the throttled progress writer for a running task.</summary>
    public TaskProgress TrackProgress(Guid taskId, CancellationTokenSource stopWork) => new(this, taskId, stopWork, clock);

    public async Task<TaskSnapshot?> GetSnapshotAsync(Guid taskId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var task = await db.Tasks.AsNoTracking().Include(t => t.Video).FirstOrDefaultAsync(t => t.Id == taskId, cancellationToken);
        return task is null ? null : TaskSnapshot.Of(task);
    }
}

public sealed record TaskChange(ProcessingTask Task, bool Changed);
