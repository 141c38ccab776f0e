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

    /// <summary>Which steps it may run beside (<see cref="IngestionPlan"/>).</summary>
    IngestionLane Lane => IngestionLane.Main;

    Task<StepOutcome> RunAsync(IngestionRun run, IProgress<double> progress, CancellationToken cancellationToken);
}

/// <summary>
/// Where a step runs. A main step runs alone, once every step before it has finished. A run of steps of the other lanes
/// runs side by side: each lane's steps one after another, the lanes at once; the next main step waits for all of them.
/// </summary>
public enum IngestionLane
{
    Main,

    /// <summary>What is made from the pictures (frames, their text, their captions); needs nothing from the sound.</summary>
    Picture,

    /// <summary>What is made from the sound (audio chunks, their transcript); needs nothing from the pictures.</summary>
    Sound,
}

public sealed record StepOutcome(StepState State, string Detail)
{
    public static StepOutcome Done(string detail) => new(StepState.Completed, detail);

    public static StepOutcome Skipped(string reason) => new(StepState.Skipped, reason);
}
