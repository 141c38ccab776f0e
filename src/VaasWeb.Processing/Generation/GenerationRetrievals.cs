using Quartz;

namespace VaasWeb.Processing.Generation;

/// <summary>Schedules the job that stores a finished generation's result (<see cref="GenerationRetrieveJob"/>), now or for a later try.</summary>
public sealed class GenerationRetrievals(ISchedulerFactory schedulerFactory)
{
    public async Task ScheduleAsync(Guid taskId, TimeSpan delay)
    {
        var scheduler = await schedulerFactory.GetScheduler(CancellationToken.None);
        var key = GenerationRetrieveJob.KeyFor(taskId);
        var trigger = TriggerBuilder.Create()
            .WithIdentity($"{taskId:N}-{Guid.NewGuid():N}", GenerationRetrieveJob.Group)
            .ForJob(key)
            .UsingJobData(Tasks.TaskQueue.TaskIdKey, taskId.ToString())
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
}
