using Microsoft.Extensions.Logging;
using Quartz;
using VaasWeb.Processing.Telemetry;

namespace VaasWeb.Processing.Tasks;

/// <summary>
/// Hands tasks to Quartz through their kind (<see cref="ITaskKindHandler"/>). Most kinds make one trigger per task
/// (<see cref="TriggerFor"/>, keyed by the task id) on the job that runs the kind, whose execution group carries the
/// concurrency limit; the task row in the database stays the source of truth.
/// </summary>
public sealed class TaskQueue(ISchedulerFactory schedulerFactory, TaskKinds kinds, ILogger<TaskQueue> logger)
{
    public const string TaskIdKey = "taskId";
    private const string TriggerGroup = "tasks";

    public Task EnqueueAsync(ProcessingTask task, CancellationToken cancellationToken) => EnqueueManyAsync([task], cancellationToken);

    /// <summary>Schedules many tasks, each kind's in one go (a bulk re-run).</summary>
    public async Task EnqueueManyAsync(IReadOnlyCollection<ProcessingTask> tasks, CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken);
        foreach (var ofKind in tasks.GroupBy(t => t.Kind))
        {
            await kinds[ofKind.Key].ScheduleAsync(scheduler, ofKind.ToArray(), cancellationToken);
        }
    }

    /// <summary>
    /// For callers that have already committed the task: a failure to schedule is logged, not thrown, and the
    /// queue sweep schedules the task within a minute. Never cancelled, so an abandoned request cannot strand it.
    /// </summary>
    public Task EnqueueOrLeaveForSweepAsync(ProcessingTask task) => EnqueueManyOrLeaveForSweepAsync([task]);

    /// <summary>As <see cref="EnqueueOrLeaveForSweepAsync"/>, for many tasks at once.</summary>
    public async Task EnqueueManyOrLeaveForSweepAsync(IReadOnlyCollection<ProcessingTask> tasks)
    {
        try
        {
            await EnqueueManyAsync(tasks, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "{Count} task(s) are saved but not scheduled yet; the queue sweep will schedule them", tasks.Count);
        }
    }

    /// <summary>Schedules a pending task whose trigger is missing (lost on a restart, or never made); true if it did.</summary>
    public async Task<bool> EnsureScheduledAsync(ProcessingTask task, CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken);
        return await kinds[task.Kind].EnsureScheduledAsync(scheduler, task, cancellationToken);
    }

    /// <summary>True when this scheduler does not share its store with other nodes.</summary>
    public async Task<bool> IsSingleNodeAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken);
        return !(await scheduler.GetMetadata(cancellationToken)).JobStoreClustered;
    }

    /// <summary>Takes a task that has not started off the schedule (a no-op for kinds without a trigger per task).</summary>
    public async Task RemoveAsync(Guid taskId, CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken);
        await scheduler.UnscheduleJob(TriggerKeyOf(taskId), cancellationToken);
    }

    /// <summary>The trigger of a task that runs once on <paramref name="job"/>, now, within <paramref name="executionGroup"/>'s limit.</summary>
    public static ITrigger TriggerFor(ProcessingTask task, IJobDetail job, string? executionGroup = null)
    {
        var trigger = TriggerBuilder.Create()
            .WithIdentity(TriggerKeyOf(task.Id))
            .ForJob(job)
            .UsingJobData(TaskIdKey, task.Id.ToString())
            .StartNow();
        // The run's span becomes a child of the request (or job) that queued the task.
        if (VaasTracing.CurrentTraceParent() is { } traceParent)
        {
            trigger = trigger.UsingJobData(VaasTracing.TraceParentKey, traceParent);
        }

        return (executionGroup is null ? trigger : trigger.WithExecutionGroup(executionGroup)).Build();
    }

    public static TriggerKey TriggerKeyOf(Guid taskId) => new(taskId.ToString(), TriggerGroup);

    /// <summary>The W3C trace context of whoever queued the task, when it was queued within a trace.</summary>
    public static string? TraceParentOf(IJobExecutionContext context) => context.MergedJobDataMap.GetString(VaasTracing.TraceParentKey);

    public static Guid TaskIdOf(IJobExecutionContext context) =>
        Guid.Parse(context.MergedJobDataMap.GetString(TaskIdKey) ?? throw new InvalidOperationException("The trigger carries no task id."));
}
