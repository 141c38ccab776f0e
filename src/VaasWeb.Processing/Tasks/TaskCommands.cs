using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace VaasWeb.Processing.Tasks;

public enum CancelOutcome
{
    NotFound,

    /// <summary>The task had not started; it is failed ("cancelled") now.</summary>
    Cancelled,

    /// <summary>The task is running; its worker has been told and stops within a second or so.</summary>
    Stopping,

    AlreadyFinished,
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

/// <summary>What people (and scripts) may do to a task: cancel it, run it again.</summary>
public sealed class TaskCommands(TaskLifecycle lifecycle, TaskQueue queue, RunningTasks running, ILogger<TaskCommands> logger)
{
    public async Task<(CancelOutcome Outcome, ProcessingTask? Task)> CancelAsync(Guid taskId, string? requestedBy, CancellationToken cancellationToken)
    {
        var wasPending = false;
        var change = await lifecycle.ChangeAsync(taskId, (task, now) =>
        {
            wasPending = task.State == TaskState.Pending;
            switch (task.State)
            {
                case TaskState.Pending:
                    task.Fail("cancelled", ProcessingTask.CancelledReason(requestedBy) + " before it started", now);
                    return true;
                case TaskState.InProgress:
                    return task.RequestCancel(requestedBy, now);
                default:
                    return false;
            }
        }, cancellationToken);

        if (change is null)
        {
            return (CancelOutcome.NotFound, null);
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

                t.Fail("cancelled", ProcessingTask.CancelledReason(requestedBy), now);
                return true;
            }, cancellationToken);
            return (CancelOutcome.Cancelled, ended?.Task ?? task);
        }

        return (CancelOutcome.AlreadyFinished, task);
    }

    /// <summary>A new attempt of a finished task: its history stays, its earlier outputs are replaced when it runs.</summary>
    public async Task<(RerunOutcome Outcome, ProcessingTask? Task)> RerunAsync(Guid taskId, string? requestedBy, CancellationToken cancellationToken)
    {
        var reason = requestedBy is null ? "re-run requested" : $"re-run requested by {requestedBy}";
        TaskChange? change;
        try
        {
            change = await lifecycle.ChangeAsync(taskId, (task, now) =>
            {
                if (!task.IsFinished)
                {
                    return false;
                }

                task.Requeue(reason, now);
                return true;
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
}
