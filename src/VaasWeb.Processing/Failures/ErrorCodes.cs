namespace VaasWeb.Processing.Failures;

/// <summary>Whose trouble a failure is; the API turns it into a status code, the pages into advice.</summary>
public enum FailureKind
{
    /// <summary>What was sent cannot be used (not a video, a broken file, an impossible request).</summary>
    BadInput,

    /// <summary>What was asked about does not exist (any more).</summary>
    NotFound,

    /// <summary>It cannot be done in the state things are in (nothing read from a video yet).</summary>
    Conflict,

    /// <summary>A feature that needs a setting the server does not have.</summary>
    NotConfigured,

    /// <summary>The server's own trouble: a missing or broken tool, a failed provider. Never the caller's fault.</summary>
    ServerFault,

    /// <summary>The disk holding the data is full.</summary>
    DiskFull,

    /// <summary>The run ended for a reason of its own: cancelled, given up, out of time, an unknown outcome.</summary>
    Ended,
}

/// <summary>
/// Every code a failed task or a refused request carries, in one place: the jobs throw and record them, the API maps
/// them to status codes and the pages to advice, so a renamed code breaks the build instead of a page.
/// </summary>
public static class ErrorCodes
{
    // What was sent.
    public const string NotAVideo = "not_a_video";
    public const string UnreadableMedia = "unreadable_media";
    public const string MediaTruncated = "media_truncated";
    public const string InvalidSpan = "invalid_span";
    public const string ClipTooLong = "clip_too_long";
    public const string ClipEmpty = "clip_empty";

    // What is (no longer) there, or not yet.
    public const string VideoMissing = "video_missing";
    public const string NotFound = "not_found";
    public const string NothingToRead = "nothing_to_read";

    // The server's own trouble.
    public const string ToolUnavailable = "tool_unavailable";
    public const string FfmpegFailed = "ffmpeg_failed";
    public const string ProviderFailed = "provider_failed";
    public const string NotConfigured = "not_configured";
    public const string DiskFull = "disk_full";
    public const string InternalError = "internal_error";

    // How a run ended.
    public const string Cancelled = "cancelled";
    public const string Aborted = "aborted";
    public const string GaveUp = "gave_up";
    public const string Timeout = "timeout";

    /// <summary>An ingestion step ran past its budget (<c>Ingestion:StepTimeoutFactor</c> / <c>StepTimeoutFloorSeconds</c>); its tools were killed.</summary>
    public const string StepTimeout = "step_timeout";

    /// <summary>An ingestion as a whole ran past its deadline (<c>Ingestion:TaskTimeoutFactor</c> / <c>TaskTimeoutFloorSeconds</c>).</summary>
    public const string TaskTimeout = "task_timeout";

    // MiniMax.
    public const string SubmitOutcomeUnknown = "submit_outcome_unknown";
    public const string NarrationOutcomeUnknown = "narration_outcome_unknown";

    /// <summary>MiniMax failed the generation without a code.</summary>
    public const string MiniMaxFail = "minimax_fail";

    /// <summary>What MiniMax (or the way to it) said, as a task's code: <c>minimax_1026</c>, <c>minimax_http_503</c>.</summary>
    public static string MiniMax(string code) => $"minimax_{code}";

    public static bool IsMiniMax(string? code) => code?.StartsWith("minimax_", StringComparison.Ordinal) == true;

    public static FailureKind KindOf(string? code) => code switch
    {
        NotAVideo or UnreadableMedia or MediaTruncated or InvalidSpan or ClipTooLong or ClipEmpty => FailureKind.BadInput,
        VideoMissing or NotFound => FailureKind.NotFound,
        NothingToRead => FailureKind.Conflict,
        NotConfigured => FailureKind.NotConfigured,
        DiskFull => FailureKind.DiskFull,
        Cancelled or Aborted or GaveUp or Timeout or StepTimeout or TaskTimeout or SubmitOutcomeUnknown or NarrationOutcomeUnknown => FailureKind.Ended,
        _ => FailureKind.ServerFault,
    };

    /// <summary>What a person can do about a failed task, after its reason.</summary>
    public static string AdviceFor(string? code) => code switch
    {
        MediaTruncated => "Upload the complete file again.",
        NotAVideo or UnreadableMedia => "Check that the file plays in a video player.",
        ToolUnavailable => "The reason says what to install or set on the server; then run the task again.",
        DiskFull => "Free space on the server's disk, then run the task again.",
        VideoMissing => "The file was removed from the media folder; upload it again.",
        Cancelled => "Run it again when you want it.",
        GaveUp => "The server stopped repeatedly during this task; check its logs, then run it again.",
        StepTimeout or TaskTimeout => "The work took far longer than a video of this length needs: the server was overloaded or a tool hung. Run it again; "
            + "if it runs out of time again, check the server's load and tools, or raise the setting the reason names.",
        SubmitOutcomeUnknown => "Check MiniMax's console for the request before running it again: a new run is a new, charged request.",
        _ => "Run it again; if it fails the same way, the server log has the details.",
    };
}
