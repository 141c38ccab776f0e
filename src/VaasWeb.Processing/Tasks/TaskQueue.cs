using Quartz;
using VaasWeb.Processing.Ingestion;

namespace VaasWeb.Processing.Tasks;

/// <summary>
/// Hands tasks to Quartz. Each task is one trigger (keyed by the task id) on the job for its kind; the trigger's
/// execution group carries the concurrency limit, and the task row in the database stays the source of truth.
/// </summary>
public sealed class TaskQueue(ISchedulerFactory schedulerFactory)
{
    public const string TaskIdKey = "taskId";
    private const string TriggerGroup = "tasks";

    public async Task EnqueueAsync(ProcessingTask task, CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken);
        var (job, executionGroup) = task.Kind switch
        {
            TaskKind.Ingestion => (IngestionJob.Describe(task.VideoId ?? throw new InvalidOperationException("An ingestion task needs a video.")),
                IngestionJob.ExecutionGroup),
            _ => throw new NotSupportedException($"No job runs tasks of kind {task.Kind} yet."),
        };

        var trigger = TriggerBuilder.Create()
            .WithIdentity(task.Id.ToString(), TriggerGroup)
            .ForJob(job)
            .UsingJobData(TaskIdKey, task.Id.ToString())
            .WithExecutionGroup(executionGroup)
            .StartNow()
            .Build();
        await scheduler.ScheduleJob(job, [trigger], ScheduleJobOptions.Replacing, cancellationToken);
    }

    /// <summary>Takes a task that has not started off the schedule.</summary>
    public async Task RemoveAsync(Guid taskId, CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken);
        await scheduler.UnscheduleJob(new TriggerKey(taskId.ToString(), TriggerGroup), cancellationToken);
    }

    /// <summary>Cancels the running job of a task on this node (other nodes see the cancel request in the row).</summary>
    public async Task InterruptAsync(ProcessingTask task, CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken);
        if (task is { Kind: TaskKind.Ingestion, VideoId: { } videoId })
        {
            await scheduler.Interrupt(IngestionJob.KeyFor(videoId), cancellationToken);
        }
    }

    public static Guid TaskIdOf(IJobExecutionContext context) =>
        Guid.Parse(context.MergedJobDataMap.GetString(TaskIdKey) ?? throw new InvalidOperationException("The trigger carries no task id."));
}
