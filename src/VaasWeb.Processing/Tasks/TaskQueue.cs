using Microsoft.Extensions.Logging;
using Quartz;
using VaasWeb.Processing.Generation;
using VaasWeb.Processing.Ingestion;

namespace VaasWeb.Processing.Tasks;

/// <summary>
/// Hands tasks to Quartz. Each task is one trigger (keyed by the task id) on the job for its kind; the trigger's
/// execution group carries the concurrency limit, and the task row in the database stays the source of truth.
/// </summary>
public sealed class TaskQueue(ISchedulerFactory schedulerFactory, ILogger<TaskQueue> logger)
{
    public const string TaskIdKey = "taskId";
    private const string TriggerGroup = "tasks";

    public Task EnqueueAsync(ProcessingTask task, CancellationToken cancellationToken) => EnqueueManyAsync([task], cancellationToken);

    /// <summary>Schedules many tasks in one call to Quartz (a bulk re-run).</summary>
    public async Task EnqueueManyAsync(IReadOnlyCollection<ProcessingTask> tasks, CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken);
        if (tasks.Any(t => t.Kind == TaskKind.Generation))
        {
            // The submit job takes queued generations from the database in order, at the allowed rate: wake it.
            await scheduler.TriggerJob(GenerationSubmitJob.Key, cancellationToken);
        }

        var jobs = new Dictionary<IJobDetail, IReadOnlyCollection<ITrigger>>();
        foreach (var task in tasks.Where(t => t.Kind != TaskKind.Generation))
        {
            var (job, executionGroup) = task.Kind switch
            {
                TaskKind.Ingestion => (IngestionJob.Describe(task.VideoId ?? throw new InvalidOperationException("An ingestion task needs a video.")),
                    IngestionJob.ExecutionGroup),
                _ => throw new NotSupportedException($"No job runs tasks of kind {task.Kind} yet."),
            };

            jobs[job] = [TriggerBuilder.Create()
                .WithIdentity(task.Id.ToString(), TriggerGroup)
                .ForJob(job)
                .UsingJobData(TaskIdKey, task.Id.ToString())
                .WithExecutionGroup(executionGroup)
                .StartNow()
                .Build()];
        }

        if (jobs.Count > 0)
        {
            await scheduler.ScheduleJobs(jobs, ScheduleJobOptions.Replacing, cancellationToken);
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
        if (task.Kind == TaskKind.Generation)
        {
            // Queued generations need no trigger: the submit job looks for them every second.
            return false;
        }

        var scheduler = await schedulerFactory.GetScheduler(cancellationToken);
        if (await scheduler.Exists(new TriggerKey(task.Id.ToString(), TriggerGroup), cancellationToken))
        {
            return false;
        }

        await EnqueueAsync(task, cancellationToken);
        return true;
    }

    /// <summary>True when this scheduler does not share its store with other nodes.</summary>
    public async Task<bool> IsSingleNodeAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken);
        return !(await scheduler.GetMetadata(cancellationToken)).JobStoreClustered;
    }

    /// <summary>Runs (after <paramref name="delay"/>) the job that stores a finished generation's result.</summary>
    public async Task ScheduleRetrievalAsync(Guid taskId, TimeSpan delay)
    {
        var scheduler = await schedulerFactory.GetScheduler(CancellationToken.None);
        var key = GenerationRetrieveJob.KeyFor(taskId);
        var trigger = TriggerBuilder.Create()
            .WithIdentity($"{taskId:N}-{Guid.NewGuid():N}", "generation-retrieval")
            .ForJob(key)
            .UsingJobData(TaskIdKey, taskId.ToString())
            .StartAt(DateTimeOffset.UtcNow + delay)
            .Build();
        // A running retrieval that asks to try again adds a trigger to its own job; it runs once this run ends.
        if (await scheduler.Exists(key))
        {
            try
            {
                await scheduler.ScheduleJob(trigger);
                return;
            }
            catch (JobPersistenceException)
            {
                // The job ended and went away in between: schedule it afresh.
            }
        }

        await scheduler.ScheduleJob(GenerationRetrieveJob.Describe(taskId), trigger);
    }

    /// <summary>Takes a task that has not started off the schedule.</summary>
    public async Task RemoveAsync(Guid taskId, CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken);
        await scheduler.UnscheduleJob(new TriggerKey(taskId.ToString(), TriggerGroup), cancellationToken);
    }

    public static Guid TaskIdOf(IJobExecutionContext context) =>
        Guid.Parse(context.MergedJobDataMap.GetString(TaskIdKey) ?? throw new InvalidOperationException("The trigger carries no task id."));
}
