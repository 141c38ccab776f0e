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
}

/// <summary>What people (and scripts) may do to a task: cancel it, run it again.</summary>
public sealed class TaskCommands(TaskLifecycle lifecycle, TaskQueue queue, ILogger<TaskCommands> logger)
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
            // Stops it at once when it runs here; elsewhere the worker reads the request from the row.
            await queue.InterruptAsync(task, cancellationToken);
            logger.LogInformation("Cancel of task {TaskId} requested by {By}", taskId, requestedBy ?? "anonymous");
            return (CancelOutcome.Stopping, task);
        }

        return (CancelOutcome.AlreadyFinished, task);
    }

    /// <summary>A new attempt of a finished task: its history stays, its earlier outputs are replaced when it runs.</summary>
    public async Task<(RerunOutcome Outcome, ProcessingTask? Task)> RerunAsync(Guid taskId, string? requestedBy, CancellationToken cancellationToken)
    {
        var reason = requestedBy is null ? "re-run requested" : $"re-run requested by {requestedBy}";
        var change = await lifecycle.ChangeAsync(taskId, (task, now) =>
        {
            if (!task.IsFinished)
            {
                return false;
            }

            task.Requeue(reason, now);
            return true;
        }, cancellationToken);

        if (change is null)
        {
            return (RerunOutcome.NotFound, null);
        }

        if (!change.Changed)
        {
            return (RerunOutcome.NotFinished, change.Task);
        }

        await queue.EnqueueAsync(change.Task, cancellationToken);
        return (RerunOutcome.Queued, change.Task);
    }
}
