using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using VaasWeb.Processing.Accounts;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Failures;

namespace VaasWeb.Processing.Tasks;

public enum CancelOutcome
{
    NotFound,

    /// <summary>The task had not started; it is failed ("cancelled") now.</summary>
    Cancelled,

    /// <summary>The task is running; its worker has been told and stops within a second or so.</summary>
    Stopping,

    AlreadyFinished,

    /// <summary>The caller may not cancel this task (not theirs); nothing changed.</summary>
    Forbidden,
}

public enum RerunOutcome
{
    NotFound,
    Queued,

    /// <summary>Only finished tasks can be re-run; this one is pending or running.</summary>
    NotFinished,

    /// <summary>Another ingestion of the same video is pending or running.</summary>
    VideoBusy,
}

/// <summary>How a bulk re-run went: tasks queued again, and those left as they were (finished meanwhile, video busy).</summary>
public sealed record BulkRerunResult(int Queued, int Skipped);

/// <summary>What people (and scripts) may do to a task: cancel it, run it again. Each change is audited with it.</summary>
public sealed class TaskCommands(
    TaskLifecycle lifecycle,
    TaskQueue queue,
    RunningTasks running,
    AuditTrail audit,
    IDbContextFactory<VaasDbContext> dbFactory,
    ILogger<TaskCommands> logger)
{
    private const int BulkBatchSize = 200;

    /// <summary>
    /// Cancels a pending task at once, or asks the worker running it to stop (ffmpeg is killed, an HTTP call is
    /// abandoned). <paramref name="mayCancel"/> decides on the loaded row whether <paramref name="by"/> may.
    /// </summary>
    public async Task<(CancelOutcome Outcome, ProcessingTask? Task)> CancelAsync(
        Guid taskId, Actor? by, Func<ProcessingTask, bool>? mayCancel, CancellationToken cancellationToken)
    {
        var wasPending = false;
        var forbidden = false;
        var requestedBy = by?.Name;
        var change = await lifecycle.ChangeAsync(taskId, (db, task, now) =>
        {
            wasPending = task.State == TaskState.Pending;
            forbidden = mayCancel?.Invoke(task) == false;
            var changed = !forbidden && task.State switch
            {
                TaskState.Pending => FailPending(task, requestedBy, now),
                TaskState.InProgress => task.RequestCancel(requestedBy, now),
                _ => false,
            };
            if (changed && by is not null)
            {
                audit.Add(db, by, AuditActions.TaskCancel, "task", task.Id.ToString(), task.Title ?? task.Video?.OriginalFileName);
            }

            return Task.FromResult(changed);
        }, cancellationToken);

        if (change is null)
        {
            return (CancelOutcome.NotFound, null);
        }

        if (forbidden)
        {
            return (CancelOutcome.Forbidden, change.Task);
        }

        var task = change.Task;
        if (wasPending && change.Changed)
        {
            await queue.RemoveAsync(taskId, cancellationToken);
            return (CancelOutcome.Cancelled, task);
        }

        if (task.State == TaskState.InProgress)
        {
            logger.LogInformation("Cancel of task {TaskId} requested by {By}", taskId, requestedBy ?? "anonymous");
            if (running.TryStop(taskId) || !await queue.IsSingleNodeAsync(cancellationToken))
            {
                // Here the run stops at once (ffmpeg is killed); on another node its worker reads the request from the row.
                return (CancelOutcome.Stopping, task);
            }

            // Nothing runs it: a row left behind by a run that died. Nobody else will end it, so end it now.
            var ended = await lifecycle.ChangeAsync(taskId, (t, now) =>
            {
                if (t.State != TaskState.InProgress)
                {
                    return false;
                }

                t.Fail(ErrorCodes.Cancelled, ProcessingTask.CancelledReason(requestedBy), now);
                return true;
            }, cancellationToken);
            return (CancelOutcome.Cancelled, ended?.Task ?? task);
        }

        return (CancelOutcome.AlreadyFinished, task);
    }

    /// <summary>A new attempt of a finished task: its history stays, its earlier outputs are replaced when it runs.</summary>
    public async Task<(RerunOutcome Outcome, ProcessingTask? Task)> RerunAsync(Guid taskId, Actor? by, CancellationToken cancellationToken)
    {
        TaskChange? change;
        try
        {
            change = await lifecycle.ChangeAsync(taskId, (db, task, now) =>
            {
                if (!task.IsFinished)
                {
                    return Task.FromResult(false);
                }

                Requeue(db, task, by, now);
                return Task.FromResult(true);
            }, cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The database allows one pending or running ingestion per video, and another one holds that place.
            logger.LogInformation("Re-run of task {TaskId} refused: its video is already being ingested", taskId);
            return (RerunOutcome.VideoBusy, null);
        }

        if (change is null)
        {
            return (RerunOutcome.NotFound, null);
        }

        if (!change.Changed)
        {
            return (RerunOutcome.NotFinished, change.Task);
        }

        // Committed: from here on the request being abandoned must not leave the task without a trigger.
        await queue.EnqueueOrLeaveForSweepAsync(change.Task);
        return (RerunOutcome.Queued, change.Task);
    }

    /// <summary>
    /// Re-runs failed tasks (the given ones, or every failed task) in batches of one transaction each, so thousands
    /// take seconds, each task is queued once and a batch that cannot commit whole falls back to one by one.
    /// <paramref name="progress"/> hears how many have been handled so far.
    /// </summary>
    public async Task<BulkRerunResult> RerunFailedAsync(
        IReadOnlyCollection<Guid>? taskIds, Actor by, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        List<Guid> ids;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var failed = db.Tasks.Where(t => t.State == TaskState.Failed);
            if (taskIds is not null)
            {
                failed = failed.Where(t => taskIds.Contains(t.Id));
            }

            ids = await failed.OrderBy(t => t.CreatedAt).Select(t => t.Id).ToListAsync(cancellationToken);
        }

        int queued = 0, handled = 0;
        foreach (var batch in ids.Chunk(BulkBatchSize))
        {
            queued += await RerunBatchAsync(batch, by, cancellationToken);
            handled += batch.Length;
            progress?.Report(handled);
        }

        var skipped = (taskIds?.Count ?? ids.Count) - queued;
        logger.LogInformation("{By} re-ran {Queued} failed task(s); {Skipped} left as they were", by.Name, queued, skipped);
        return new BulkRerunResult(queued, skipped);
    }

    private async Task<int> RerunBatchAsync(Guid[] batch, Actor by, CancellationToken cancellationToken)
    {
        List<ProcessingTask> tasks;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            tasks = await db.Tasks.Include(t => t.Video).Where(t => batch.Contains(t.Id) && t.State == TaskState.Failed).ToListAsync(cancellationToken);
            var now = lifecycle.Now;
            foreach (var task in tasks)
            {
                Requeue(db, task, by, now);
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException e)
            {
                // A task changed meanwhile, or two share a video (only one may be queued): take them one at a time.
                logger.LogDebug(e, "A batch of {Count} re-runs could not commit whole; re-running one by one", tasks.Count);
                var one = 0;
                foreach (var task in tasks)
                {
                    var (outcome, _) = await RerunAsync(task.Id, by, cancellationToken);
                    one += outcome == RerunOutcome.Queued ? 1 : 0;
                }

                return one;
            }
        }

        // Committed: from here on, nothing may leave a task without its trigger.
        foreach (var task in tasks)
        {
            await lifecycle.PublishAsync(task);
        }

        await queue.EnqueueManyOrLeaveForSweepAsync(tasks);
        return tasks.Count;
    }

    private void Requeue(VaasDbContext db, ProcessingTask task, Actor? by, DateTimeOffset now)
    {
        task.Requeue(by is null ? "re-run requested" : $"re-run requested by {by.Name}", now);
        if (by is not null)
        {
            audit.Add(db, by, AuditActions.TaskRerun, "task", task.Id.ToString(), $"attempt {task.Attempt}: {task.Title ?? task.Video?.OriginalFileName}");
        }
    }

    private static bool FailPending(ProcessingTask task, string? requestedBy, DateTimeOffset now)
    {
        task.Fail(ErrorCodes.Cancelled, ProcessingTask.CancelledReason(requestedBy) + " before it started", now);
        return true;
    }
}
