using VaasWeb.Processing.Settings;

namespace VaasWeb.Processing.Tasks;

/// <summary>How the watchdog treats running tasks that stopped moving. Section <c>Tasks</c>.</summary>
public sealed class TasksOptions
{
    public const string Section = "Tasks";

    /// <summary>
    /// A running task of a kind that writes progress steadily (an ingestion writes several times a second) that has
    /// written none for this long is marked stalled on the board.
    /// </summary>
    public double StallAfterSeconds { get; set; } = 300;

    /// <summary>A stalled task that stays silent this much longer has its run ended and is re-queued as a new attempt.</summary>
    public double StallGraceSeconds { get; set; } = 300;

    /// <summary>How often the watchdog looks: a fifth of the stall time, between 1 and 30 s.</summary>
    public TimeSpan CheckInterval => TimeSpan.FromSeconds(Math.Clamp(StallAfterSeconds / 5, 1, 30));
}

internal sealed class TasksOptionsValidator() : OptionsValidator<TasksOptions>(TasksOptions.Section)
{
    protected override void Check(TasksOptions o, Rules rules)
    {
        rules.Require(o.StallAfterSeconds is >= 1 and <= 86400, nameof(o.StallAfterSeconds), "must be between 1 and 86400 seconds", o.StallAfterSeconds);
        rules.Require(o.StallGraceSeconds is >= 0 and <= 86400, nameof(o.StallGraceSeconds), "must be between 0 and 86400 seconds", o.StallGraceSeconds);
    }
}
