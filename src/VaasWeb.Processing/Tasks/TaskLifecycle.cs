using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Failures;
using VaasWeb.Processing.Telemetry;

namespace VaasWeb.Processing.Tasks;

/// <summary>
/// Applies changes to task rows with optimistic concurrency and publishes each committed change. Every status
/// and progress write goes through here, so the database and what viewers see never disagree; and so every end and
/// retry of a task is logged and counted here, once, whichever path made it (<see cref="LogMove"/>).
/// </summary>
public sealed class TaskLifecycle(
    IDbContextFactory<VaasDbContext> dbFactory,
    ITaskEventSink events,
    TimeProvider clock,
    VaasMetrics metrics,
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
    public Task<TaskChange?> ChangeAsync(Guid taskId, Func<ProcessingTask, DateTimeOffset, bool> change, CancellationToken cancellationToken) =>
        ChangeAsync(taskId, (_, task, now) => Task.FromResult(change(task, now)), cancellationToken);

    /// <summary>
    /// As above, for a change that also writes rows that belong to the task (a generation's): they are loaded
    /// from <see cref="VaasDbContext"/> given to <paramref name="change"/> and saved in the same transaction.
    /// </summary>
    public Task<TaskChange?> ChangeAsync(Guid taskId, Func<VaasDbContext, ProcessingTask, DateTimeOffset, Task<bool>> change, CancellationToken cancellationToken) =>
        ChangeAsync(taskId, change, cause: null, cancellationToken);

    private async Task<TaskChange?> ChangeAsync(Guid taskId, Func<VaasDbContext, ProcessingTask, DateTimeOffset, Task<bool>> change, Exception? cause,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var task = await db.Tasks.Include(t => t.Video).FirstOrDefaultAsync(t => t.Id == taskId, cancellationToken);
            if (task is null)
            {
                return null;
            }

            var before = Where(task);
            if (!await change(db, task, Now))
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

            LogMove(before, task, cause);
            await PublishAsync(task);
            return new TaskChange(task, Changed: true);
        }
    }

    /// <summary>
    /// A write by the run that holds a task, applied only while the task is in progress. It takes no cancellation
    /// token (the end of a run must land even while the host shuts down) and is retried, because a task left
    /// "in progress" by a failed write would look busy until the next restart.
    /// </summary>
    public Task<TaskChange?> ChangeRunningAsync(Guid taskId, Func<VaasDbContext, ProcessingTask, DateTimeOffset, Task<bool>> change) =>
        ChangeRunningAsync(taskId, change, cause: null);

    private async Task<TaskChange?> ChangeRunningAsync(Guid taskId, Func<VaasDbContext, ProcessingTask, DateTimeOffset, Task<bool>> change, Exception? cause)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ChangeAsync(taskId, async (db, task, now) => task.State == TaskState.InProgress && await change(db, task, now), cause, CancellationToken.None);
            }
            catch (Exception e) when (attempt < 5 && e is not InvalidOperationException)
            {
                logger.LogWarning(e, "Recording a change of task {TaskId} failed (try {Attempt}); retrying", taskId, attempt);
                await Task.Delay(TimeSpan.FromSeconds(attempt), CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// Several <see cref="ChangeRunningAsync(Guid, Func{VaasDbContext, ProcessingTask, DateTimeOffset, Task{bool}})"/>
    /// in one context and one transaction, for work that reports many tasks at once (the generation poller: a hundred
    /// a second). <paramref name="load"/> may bring the rows the changes read into the context in one query first. Any
    /// failure (a write that raced with another, a database error) falls back to one write per task, so each change
    /// lands as it would alone. Returns one result per change, in order.
    /// </summary>
    public async Task<IReadOnlyList<TaskChange?>> ChangeRunningAsync(IReadOnlyList<(Guid TaskId, Func<VaasDbContext, ProcessingTask, DateTimeOffset, Task<bool>> Change)> changes,
        Func<VaasDbContext, IReadOnlyList<Guid>, Task>? load = null)
    {
        if (changes.Count > 1)
        {
            try
            {
                await using var db = await dbFactory.CreateDbContextAsync();
                var ids = changes.Select(c => c.TaskId).Distinct().ToList();
                var tasks = await db.Tasks.Include(t => t.Video).Where(t => ids.Contains(t.Id)).ToDictionaryAsync(t => t.Id);
                if (load is not null)
                {
                    await load(db, ids);
                }

                var now = Now;
                var before = tasks.ToDictionary(t => t.Key, t => Where(t.Value));
                var results = new TaskChange?[changes.Count];
                for (var i = 0; i < changes.Count; i++)
                {
                    if (tasks.TryGetValue(changes[i].TaskId, out var task))
                    {
                        results[i] = new TaskChange(task, task.State == TaskState.InProgress && await changes[i].Change(db, task, now));
                    }
                }

                await db.SaveChangesAsync();
                foreach (var task in results.Where(r => r is { Changed: true }).Select(r => r!.Task).Distinct())
                {
                    LogMove(before[task.Id], task, cause: null);
                    await PublishAsync(task);
                }

                return results;
            }
            catch (Exception e) when (e is not InvalidOperationException)
            {
                logger.LogDebug(e, "A batch of {Count} task changes failed; writing them one by one", changes.Count);
            }
        }

        var one = new List<TaskChange?>(changes.Count);
        foreach (var (taskId, change) in changes)
        {
            one.Add(await ChangeRunningAsync(taskId, change));
        }

        return one;
    }

    /// <summary>Ends a running task (see <see cref="ChangeRunningAsync"/>); <paramref name="cause"/> goes into the log line of its end.</summary>
    public Task<TaskChange?> EndAsync(Guid taskId, Action<ProcessingTask, DateTimeOffset> end, Exception? cause = null) =>
        ChangeRunningAsync(taskId, (_, task, now) =>
        {
            end(task, now);
            return Task.FromResult(true);
        }, cause);

    private static (TaskState State, int Attempt, string? Step) Where(ProcessingTask task) => (task.State, task.Attempt, task.CurrentStep);

    /// <summary>
    /// One line for every end and every retry, with the task, its kind, the step it was in, the code and the attempt.
    /// What people asked for (a cancel) and a run handed back at shutdown are information; an expected failure (a bad
    /// file, a step out of time) or a retry after a crash or a stall is a warning; a bug, or a task given up, an error.
    /// </summary>
    private void LogMove((TaskState State, int Attempt, string? Step) before, ProcessingTask task, Exception? cause)
    {
        if (before.State == task.State)
        {
            return;
        }

        var step = task.CurrentStep ?? before.Step ?? "(none)";
        var reason = task.History.LastOrDefault()?.Reason;
        if (task.State is TaskState.Completed or TaskState.Failed)
        {
            metrics.TaskEnded(task.Kind, task.State, task.ErrorCode);
        }

        if (task.State == TaskState.Failed)
        {
            var level = task.ErrorCode switch
            {
                ErrorCodes.Cancelled => LogLevel.Information,
                ErrorCodes.InternalError or ErrorCodes.GaveUp => LogLevel.Error,
                _ => LogLevel.Warning,
            };
            logger.Log(level, cause, "Task {TaskId} ({Kind}) failed during step {Step} on attempt {Attempt}: {Code}: {Reason}",
                task.Id, task.Kind, step, task.Attempt, task.ErrorCode, task.ErrorMessage);
        }
        else if (task.State == TaskState.Pending && before.State == TaskState.InProgress)
        {
            // A new attempt is a retry (a crash, a stall); the same attempt is a run handed back at shutdown.
            var level = task.Attempt > before.Attempt ? LogLevel.Warning : LogLevel.Information;
            logger.Log(level, cause, "Task {TaskId} ({Kind}) went back to the queue from step {Step} of attempt {Previous}, now attempt {Attempt}: {Reason}",
                task.Id, task.Kind, step, before.Attempt, task.Attempt, reason);
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
