using VaasWeb.Processing.Settings;

namespace VaasWeb.Processing.Retention;

/// <summary>The <c>Retention</c> section: how long finished work is kept.</summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>
    /// Finished tasks (with their history, steps and generation record) older than this many days are deleted, except
    /// each video's newest task, which says how the video was ingested. 0 keeps them all.
    /// </summary>
    public int TaskDays { get; set; } = 90;

    /// <summary>
    /// Videos nobody opened (their page, their file played) for this many days are deleted with everything made from
    /// them, unless a task of theirs is waiting or running. 0 (the default) keeps every video.
    /// </summary>
    public int VideoDays { get; set; }
}

internal sealed class RetentionOptionsValidator() : OptionsValidator<RetentionOptions>(RetentionOptions.Section)
{
    protected override void Check(RetentionOptions o, Rules rules)
    {
        rules.Require(o.TaskDays is >= 0 and <= 36500, nameof(o.TaskDays), "must be between 0 (keep every task) and 36500", o.TaskDays);
        rules.Require(o.VideoDays is >= 0 and <= 36500, nameof(o.VideoDays), "must be between 0 (keep every video) and 36500", o.VideoDays);
    }
}
