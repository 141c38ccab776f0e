namespace VaasWeb.Processing.Generation.MiniMax;

/// <summary>
/// How VaasWeb talks to MiniMax. Section <c>MiniMax</c>. The key comes from configuration or the environment
/// (<c>MiniMax__ApiKey</c>); it is never logged, shown or stored. Without it the app runs and generation is off.
/// </summary>
public sealed class MiniMaxOptions
{
    public const string Section = "MiniMax";

    /// <summary>Global <c>https://api.minimax.io</c>, mainland China <c>https://api.minimaxi.com</c>, or the emulator.</summary>
    public string BaseUrl { get; set; } = "https://api.minimax.io";

    public string? ApiKey { get; set; }

    /// <summary>The poll cadence: each in-flight generation is asked about once per this many seconds (MiniMax asks for 5–30).</summary>
    public double PollIntervalSeconds { get; set; } = 10;

    /// <summary>After MiniMax turned a submit away (rate limit, overload), no submit is sent for this long. Unset: the poll cadence.</summary>
    public double? SubmitBackoffSeconds { get; set; }

    /// <summary>After storing a finished video failed for now (download broke off, MiniMax busy), the next try waits this long. Unset: the poll cadence.</summary>
    public double? RetrieveRetrySeconds { get; set; }

    /// <summary>Video generation requests sent in any 60 s window, however many wait (free plans allow 5).</summary>
    public int SubmitPerMinute { get; set; } = 5;

    /// <summary>A generation not finished this long after it was accepted is failed.</summary>
    public double TimeoutMinutes { get; set; } = 30;

    /// <summary>One HTTP attempt (until the answer's headers).</summary>
    public double RequestTimeoutSeconds { get; set; } = 30;

    /// <summary>Retries of one call after a transient failure; between them the wait doubles from <see cref="RetryDelaySeconds"/>, with jitter.</summary>
    public int MaxRetries { get; set; } = 3;

    public double RetryDelaySeconds { get; set; } = 2;

    /// <summary>The breaker opens when this share of calls fails within <see cref="BreakerSamplingSeconds"/>.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    public int BreakerMinimumThroughput { get; set; } = 20;

    public double BreakerSamplingSeconds { get; set; } = 60;

    /// <summary>While open, calls fail at once instead of adding to an outage.</summary>
    public double BreakerBreakSeconds { get; set; } = 30;

    /// <summary>Polls running at once; the rest of a tick's due polls wait for a slot.</summary>
    public int MaxConcurrentPolls { get; set; } = 16;

    /// <summary>
    /// Where MiniMax can reach this server (e.g. <c>https://vaas.example.com</c>). When set, every submit carries a
    /// <c>callback_url</c> under it, and MiniMax's status calls move a generation on at once; polling goes on at its
    /// interval as the safety net. Unset: polling only.
    /// </summary>
    public string? CallbackBaseUrl { get; set; }

    /// <summary>Queue an ingestion of every generated video, so it becomes searchable like an upload.</summary>
    public bool IngestResults { get; set; } = true;

    public string SpeechModel { get; set; } = "speech-2.6-hd";

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiKey) && Uri.TryCreate(BaseUrl, UriKind.Absolute, out _);

    public TimeSpan PollInterval => TimeSpan.FromSeconds(PollIntervalSeconds);

    public TimeSpan SubmitBackoff => TimeSpan.FromSeconds(SubmitBackoffSeconds ?? PollIntervalSeconds);

    public TimeSpan RetrieveRetry => TimeSpan.FromSeconds(RetrieveRetrySeconds ?? PollIntervalSeconds);

    public TimeSpan Timeout => TimeSpan.FromMinutes(TimeoutMinutes);
}
