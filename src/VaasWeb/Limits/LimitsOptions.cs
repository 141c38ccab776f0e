using VaasWeb.Processing.Settings;

namespace VaasWeb.Limits;

/// <summary>How much one account may ask of the server. Section <c>Limits</c>.</summary>
public sealed class LimitsOptions
{
    public const string Section = "Limits";

    /// <summary>Admins are not held to the rate limits or the queued-task cap.</summary>
    public bool ExemptAdmins { get; set; } = true;

    /// <summary>Pending and running tasks one account may have started at once; 0 turns the cap off.</summary>
    public int MaxQueuedTasksPerUser { get; set; } = 20;

    /// <summary>Multipart uploads and tus upload creations (not each PATCH of an upload under way).</summary>
    public RateWindow Upload { get; set; } = new() { PermitLimit = 30 };

    /// <summary><c>POST /process-video</c>.</summary>
    public RateWindow Process { get; set; } = new() { PermitLimit = 60 };

    /// <summary><c>POST /api/generations</c>: each is a paid MiniMax request later.</summary>
    public RateWindow Generation { get; set; } = new() { PermitLimit = 10 };

    /// <summary>Search by words and by picture, clips and questions.</summary>
    public RateWindow Search { get; set; } = new() { PermitLimit = 120 };

    /// <summary>Every POST to <c>/mcp</c> (a tool call, a listing).</summary>
    public RateWindow Mcp { get; set; } = new() { PermitLimit = 120 };

    public RateWindow For(LimitKind kind) => kind switch
    {
        LimitKind.Upload => Upload,
        LimitKind.Process => Process,
        LimitKind.Generation => Generation,
        LimitKind.Search => Search,
        _ => Mcp,
    };
}

/// <summary>At most <see cref="PermitLimit"/> requests per account in each window of <see cref="WindowSeconds"/>; 0 permits turn it off.</summary>
public sealed class RateWindow
{
    public int PermitLimit { get; set; }

    public double WindowSeconds { get; set; } = 60;

    public bool IsOff => PermitLimit == 0;

    public TimeSpan Window => TimeSpan.FromSeconds(WindowSeconds);
}

/// <summary>What a rate limit counts; each kind is its own bucket per account.</summary>
public enum LimitKind
{
    Upload,
    Process,
    Generation,
    Search,
    Mcp,
}

internal sealed class LimitsOptionsValidator() : OptionsValidator<LimitsOptions>(LimitsOptions.Section)
{
    protected override void Check(LimitsOptions o, Rules rules)
    {
        rules.Require(o.MaxQueuedTasksPerUser >= 0, nameof(o.MaxQueuedTasksPerUser), "must be 0 (no cap) or a positive number of tasks", o.MaxQueuedTasksPerUser);
        foreach (var kind in Enum.GetValues<LimitKind>())
        {
            var window = o.For(kind);
            rules.Require(window.PermitLimit >= 0, $"{kind}:{nameof(window.PermitLimit)}", "must be 0 (no limit) or a positive number of requests", window.PermitLimit);
            rules.Require(window.WindowSeconds is >= 0.1 and <= 86_400, $"{kind}:{nameof(window.WindowSeconds)}", "must be between 0.1 and 86400", window.WindowSeconds);
        }
    }
}
