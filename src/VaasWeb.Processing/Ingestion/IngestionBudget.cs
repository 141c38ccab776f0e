using VaasWeb.Processing.Failures;
using VaasWeb.Processing.Tasks;

namespace VaasWeb.Processing.Ingestion;

/// <summary>
/// How long one step and the whole ingestion may take for a video of a given length: the length times a factor, never
/// less than a floor (a two-second clip still loads pocketsphinx's model). A step that runs past its budget has its tools
/// killed and fails the task with <see cref="ErrorCodes.StepTimeout"/>; one cut off by the task's deadline, with
/// <see cref="ErrorCodes.TaskTimeout"/>. The reason names the step, the budget and the setting that set it.
/// </summary>
public sealed record IngestionBudget(TimeSpan Step, string StepSetting, TimeSpan Task, string TaskSetting, double? VideoSeconds)
{
    /// <param name="videoSeconds">The video's length; null while it is not known (the floors apply).</param>
    public static IngestionBudget For(double? videoSeconds, IngestionOptions options)
    {
        var seconds = videoSeconds is > 0 and var s ? s : 0;
        var (step, stepSetting) = Of(seconds, options.StepTimeoutFactor, options.StepTimeoutFloorSeconds, nameof(options.StepTimeoutFactor), nameof(options.StepTimeoutFloorSeconds));
        var (task, taskSetting) = Of(seconds, options.TaskTimeoutFactor, options.TaskTimeoutFloorSeconds, nameof(options.TaskTimeoutFactor), nameof(options.TaskTimeoutFloorSeconds));
        return new IngestionBudget(step, stepSetting, task, taskSetting, videoSeconds is > 0 ? videoSeconds : null);
    }

    /// <summary>
    /// How long the next step may run when <paramref name="spent"/> of the task's deadline is gone: its own budget, or
    /// what is left of the task's when that is less (then an overrun is the task's, not the step's).
    /// </summary>
    public (TimeSpan Limit, bool ByTaskDeadline) LimitFor(TimeSpan spent)
    {
        var left = Task - spent;
        return left < Step ? (left > TimeSpan.Zero ? left : TimeSpan.Zero, true) : (Step, false);
    }

    /// <summary>The failure of <paramref name="step"/> when it ran out of time under <see cref="LimitFor"/>.</summary>
    public TaskFailureException Exceeded(string step, bool byTaskDeadline) => byTaskDeadline
        ? new TaskFailureException(ErrorCodes.TaskTimeout,
            $"The ingestion took longer than its budget of {Describe(Task)}{ForVideo} (Ingestion:{TaskSetting}); it was stopped during step {step}.")
        : new TaskFailureException(ErrorCodes.StepTimeout,
            $"The step {step} took longer than its budget of {Describe(Step)}{ForVideo} (Ingestion:{StepSetting}).");

    private string ForVideo => VideoSeconds is { } seconds ? $" for a {Describe(TimeSpan.FromSeconds(seconds))} video" : " for a video of unknown length";

    /// <summary>A duration as people read it (<see cref="DurationText"/>).</summary>
    public static string Describe(TimeSpan span) => DurationText.Of(span);

    private static (TimeSpan Budget, string Setting) Of(double videoSeconds, double factor, double floorSeconds, string factorSetting, string floorSetting)
    {
        var scaled = videoSeconds * factor;
        return scaled > floorSeconds ? (TimeSpan.FromSeconds(scaled), factorSetting) : (TimeSpan.FromSeconds(floorSeconds), floorSetting);
    }
}
