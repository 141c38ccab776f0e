using Microsoft.Extensions.Options;
using Quartz;
using VaasWeb.Processing.Tasks;

namespace VaasWeb.Processing.Ingestion;

/// <summary>
/// Ingestion tasks: one trigger per task on the video's own <see cref="IngestionJob"/> (two runs of one video never
/// overlap) in the "ingestion" execution group, whose limit is <see cref="IngestionOptions.MaxConcurrentJobs"/>. A run a
/// crash cut off runs again as a new attempt, up to <see cref="IngestionOptions.MaxAttempts"/>; so does one the watchdog
/// found stalled: every step reports progress as it goes, so a silent ingestion is stuck or its node is gone.
/// </summary>
internal sealed class IngestionKind(CrashedRuns crashed, IOptions<IngestionOptions> options) : TriggeredTaskKind
{
    public override TaskKind Kind => TaskKind.Ingestion;

    protected override string ExecutionGroup => IngestionJob.ExecutionGroup;

    protected override IJobDetail JobFor(ProcessingTask task) =>
        IngestionJob.Describe(task.VideoId ?? throw new InvalidOperationException("An ingestion task needs a video."));

    public override Task RecoverAsync(IReadOnlyList<ProcessingTask> orphaned, CancellationToken cancellationToken) =>
        crashed.RunAgainAsync(orphaned, options.Value.MaxAttempts, cancellationToken);

    public override bool WritesProgressSteadily => true;

    public override Task RecoverStalledAsync(IReadOnlyList<ProcessingTask> stalled, Func<ProcessingTask, DateTimeOffset, string?> stillStalled, CancellationToken cancellationToken) =>
        crashed.RunAgainAfterStallAsync(stalled, options.Value.MaxAttempts, stillStalled, cancellationToken);
}
