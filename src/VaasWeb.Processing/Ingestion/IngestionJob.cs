using Microsoft.Extensions.Logging;
using Quartz;
using VaasWeb.Processing.Tasks;

namespace VaasWeb.Processing.Ingestion;

/// <summary>
/// Runs one ingestion task. There is one Quartz job per video and one trigger per task, so two ingestions of
/// the same video never overlap; the "ingestion" execution group caps how many run at once. A shutdown kills ffmpeg
/// at once and hands the task back; the scheduler waits for that before the process exits.
/// </summary>
[DisallowConcurrentExecution]
public sealed class IngestionJob(TaskRunner runner, IngestionPipeline pipeline, ILogger<IngestionJob> logger) : IJob
{
    public const string ExecutionGroup = "ingestion";

    private static readonly TaskRunPolicy Policy = new(StopsWithHost: true, OnShutdown: OnShutdown.HandBack);

    public static JobKey KeyFor(Guid videoId) => new(videoId.ToString("N"), "ingestion");

    public static IJobDetail Describe(Guid videoId) =>
        JobBuilder.Create<IngestionJob>().WithIdentity(KeyFor(videoId)).StoreDurably().Build();

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await runner.ClaimAndRunAsync(context, Policy, async run =>
        {
            var failedOptional = await pipeline.RunAsync(run);
            logger.LogInformation("Ingested video {VideoId} (task {TaskId})", run.Task!.VideoId, run.TaskId);
            return TaskOutcome.Completed(failedOptional.Count == 0
                ? "completed"
                : $"completed; optional step(s) failed: {string.Join(", ", failedOptional)} (see the step details)");
        }, cancellationToken);
}
