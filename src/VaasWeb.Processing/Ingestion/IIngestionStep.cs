using VaasWeb.Processing.Tasks;

namespace VaasWeb.Processing.Ingestion;

/// <summary>
/// One step of an ingestion. A step writes into its own folder under the run's derived directory and commits
/// its rows only when it has finished, so a step that fails or is cancelled leaves nothing behind.
/// </summary>
public interface IIngestionStep
{
    string Name { get; }

    /// <summary>Relative cost of the step, which shapes the task's overall progress bar.</summary>
    double Weight { get; }

    /// <summary>When an optional step fails, the step is marked failed and the ingestion goes on; when a required one fails, the task fails.</summary>
    bool IsOptional => false;

    Task<StepOutcome> RunAsync(IngestionRun run, IProgress<double> progress, CancellationToken cancellationToken);
}

public sealed record StepOutcome(StepState State, string Detail)
{
    public static StepOutcome Done(string detail) => new(StepState.Completed, detail);

    public static StepOutcome Skipped(string reason) => new(StepState.Skipped, reason);
}
