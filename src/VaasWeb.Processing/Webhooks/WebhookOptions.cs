using VaasWeb.Processing.Settings;

namespace VaasWeb.Processing.Webhooks;

/// <summary>The <c>Webhooks</c> section.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>Let webhooks call loopback, private and link-local addresses (tests, a receiver on the same LAN).</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>The first durable retry waits this long; each next one twice as long, up to <see cref="MaxRetryDelaySeconds"/>.</summary>
    public double FirstRetryDelaySeconds { get; set; } = 15;

    public double MaxRetryDelaySeconds { get; set; } = 600;

    /// <summary>A task event not delivered this long after it happened is given up (a progress event: after a minute).</summary>
    public double GiveUpAfterMinutes { get; set; } = 60;

    /// <summary>One HTTP attempt; the resilience handler retries transient failures <see cref="QuickRetries"/> times within a round.</summary>
    public double AttemptTimeoutSeconds { get; set; } = 10;

    public int QuickRetries { get; set; } = 2;

    public double QuickRetryDelaySeconds { get; set; } = 1;

    /// <summary>At most one <c>task.progress</c> per task and endpoint this often.</summary>
    public double ProgressIntervalSeconds { get; set; } = 5;

    /// <summary>Deliveries in flight at once on a node (at most two per endpoint, so one dead endpoint cannot take them all).</summary>
    public int MaxConcurrentSends { get; set; } = 8;

    public int MaxEndpointsPerUser { get; set; } = 20;

    internal TimeSpan AttemptTimeout => TimeSpan.FromSeconds(AttemptTimeoutSeconds);

    /// <summary>Every attempt of a round, their waits, and some slack.</summary>
    internal TimeSpan RoundTimeout => TimeSpan.FromSeconds((AttemptTimeoutSeconds + QuickRetryDelaySeconds * 2) * (QuickRetries + 1) + 1);

    /// <summary>How long a node holds a claimed delivery before another node may take it over (it died meanwhile).</summary>
    internal TimeSpan ClaimFor => RoundTimeout * 2 + TimeSpan.FromSeconds(30);

    internal TimeSpan RetryDelay(int rounds) =>
        TimeSpan.FromSeconds(Math.Min(MaxRetryDelaySeconds, FirstRetryDelaySeconds * Math.Pow(2, Math.Max(0, rounds - 1))));
}

internal sealed class WebhookOptionsValidator() : OptionsValidator<WebhookOptions>(WebhookOptions.Section)
{
    protected override void Check(WebhookOptions o, Rules rules)
    {
        rules.Require(o.FirstRetryDelaySeconds is >= 0.1 and <= 3600, nameof(o.FirstRetryDelaySeconds), "must be between 0.1 and 3600", o.FirstRetryDelaySeconds);
        rules.Require(o.MaxRetryDelaySeconds >= o.FirstRetryDelaySeconds && o.MaxRetryDelaySeconds <= 86400, nameof(o.MaxRetryDelaySeconds), "must be between FirstRetryDelaySeconds and 86400", o.MaxRetryDelaySeconds);
        rules.Require(o.GiveUpAfterMinutes is >= 0.1 and <= 10080, nameof(o.GiveUpAfterMinutes), "must be between 0.1 and 10080 (a week)", o.GiveUpAfterMinutes);
        rules.Require(o.AttemptTimeoutSeconds is >= 0.5 and <= 120, nameof(o.AttemptTimeoutSeconds), "must be between 0.5 and 120", o.AttemptTimeoutSeconds);
        rules.Require(o.QuickRetries is >= 0 and <= 5, nameof(o.QuickRetries), "must be between 0 and 5", o.QuickRetries);
        rules.Require(o.QuickRetryDelaySeconds is >= 0.1 and <= 30, nameof(o.QuickRetryDelaySeconds), "must be between 0.1 and 30", o.QuickRetryDelaySeconds);
        rules.Require(o.ProgressIntervalSeconds is >= 0.5 and <= 3600, nameof(o.ProgressIntervalSeconds), "must be between 0.5 and 3600", o.ProgressIntervalSeconds);
        rules.Require(o.MaxConcurrentSends is >= 1 and <= 256, nameof(o.MaxConcurrentSends), "must be between 1 and 256", o.MaxConcurrentSends);
        rules.Require(o.MaxEndpointsPerUser is >= 1 and <= 1000, nameof(o.MaxEndpointsPerUser), "must be between 1 and 1000", o.MaxEndpointsPerUser);
    }
}
