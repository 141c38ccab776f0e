using Microsoft.Extensions.Options;
using Quartz;
using VaasWeb.Processing.Tasks;

namespace VaasWeb.Processing.Ingestion;

/// <summary>
/// Ingestion tasks: one trigger per task on the video's own <see cref="IngestionJob"/> (two runs of one video never
/// overlap) in the "ingestion" execution group, whose limit is <see cref="IngestionOptions.MaxConcurrentJobs"/>. A run a
/// crash cut off runs again as a new attempt, up to <see cref="IngestionOptions.MaxAttempts"/>.
/// </summary>
internal sealed class IngestionKind(CrashedRuns crashed, IOptions<IngestionOptions> options) : ITaskKindHandler
{
    public TaskKind Kind => TaskKind.Ingestion;

    public async Task ScheduleAsync(IScheduler scheduler, IReadOnlyCollection<ProcessingTask> tasks, CancellationToken cancellationToken)
    {
        var jobs = new Dictionary<IJobDetail, IReadOnlyCollection<ITrigger>>();
        foreach (var task in tasks)
        {
            var job = IngestionJob.Describe(task.VideoId ?? throw new InvalidOperationException("An ingestion task needs a video."));
            jobs[job] = [TaskQueue.TriggerFor(task, job, IngestionJob.ExecutionGroup)];
        }

        await scheduler.ScheduleJobs(jobs, ScheduleJobOptions.Replacing, cancellationToken);
    }

    public async Task<bool> EnsureScheduledAsync(IScheduler scheduler, ProcessingTask task, CancellationToken cancellationToken)
    {
        if (await scheduler.Exists(TaskQueue.TriggerKeyOf(task.Id), cancellationToken))
        {
            return false;
        }

        await ScheduleAsync(scheduler, [task], cancellationToken);
        return true;
    }

    public Task RecoverAsync(IReadOnlyList<ProcessingTask> orphaned, CancellationToken cancellationToken) =>
        crashed.RunAgainAsync(orphaned, options.Value.MaxAttempts, cancellationToken);
}
