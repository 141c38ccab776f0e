using Microsoft.Extensions.Options;

namespace MiniMax.Emulator;

/// <summary>The knobs a test may turn while the emulator runs (<c>GET/PUT /control/settings</c>).</summary>
/// <param name="RenderWidth">Actual width of rendered videos (height follows 16:9); 0 renders the nominal size.</param>
/// <param name="DownloadUrlTtlSeconds">Lifetime of signed URLs; a negative value mints URLs that are already expired.</param>
/// <param name="SendCallbacks">Whether a submit's <c>callback_url</c> is called (challenge, then status changes); false loses them all.</param>
public sealed record RuntimeSettings(
    double PreparingSeconds,
    double QueueingSeconds,
    double ProcessingSeconds,
    double DownloadUrlTtlSeconds,
    int RenderWidth,
    bool SendCallbacks = true);

/// <summary>A partial update: only the fields given change.</summary>
public sealed record SettingsPatch(
    double? PreparingSeconds = null,
    double? QueueingSeconds = null,
    double? ProcessingSeconds = null,
    double? DownloadUrlTtlSeconds = null,
    int? RenderWidth = null,
    bool? SendCallbacks = null);

public sealed class EmulatorSettings
{
    private const double Week = 7 * 24 * 3600;

    private readonly Lock _gate = new();
    private volatile RuntimeSettings _current;

    public EmulatorSettings(IOptions<EmulatorOptions> options)
    {
        var o = options.Value;
        var initial = new RuntimeSettings(o.PreparingSeconds, o.QueueingSeconds, o.ProcessingSeconds, o.DownloadUrlTtlSeconds, o.RenderWidth, o.SendCallbacks);
        _current = Validate(initial) is { } error
            ? throw new InvalidOperationException($"Emulator configuration: {error}")
            : initial;
    }

    /// <summary>Read once per operation: a snapshot never changes under the reader.</summary>
    public RuntimeSettings Current => _current;

    /// <summary>Applies the given fields, or changes nothing and returns why not.</summary>
    public string? Apply(SettingsPatch patch)
    {
        lock (_gate)
        {
            var next = new RuntimeSettings(
                patch.PreparingSeconds ?? _current.PreparingSeconds,
                patch.QueueingSeconds ?? _current.QueueingSeconds,
                patch.ProcessingSeconds ?? _current.ProcessingSeconds,
                patch.DownloadUrlTtlSeconds ?? _current.DownloadUrlTtlSeconds,
                patch.RenderWidth ?? _current.RenderWidth,
                patch.SendCallbacks ?? _current.SendCallbacks);
            if (Validate(next) is { } error)
            {
                return error;
            }

            _current = next;
            return null;
        }
    }

    private static string? Validate(RuntimeSettings s)
    {
        foreach (var (name, value) in new[] { ("preparing_seconds", s.PreparingSeconds), ("queueing_seconds", s.QueueingSeconds), ("processing_seconds", s.ProcessingSeconds) })
        {
            if (!double.IsFinite(value) || value < 0 || value > Week)
            {
                return $"{name} must be between 0 and {Week}";
            }
        }

        if (!double.IsFinite(s.DownloadUrlTtlSeconds) || Math.Abs(s.DownloadUrlTtlSeconds) > Week)
        {
            return $"download_url_ttl_seconds must be between -{Week} and {Week}";
        }

        return s.RenderWidth is 0 or (>= 16 and <= 3840) ? null : "render_width must be 0 (nominal size) or between 16 and 3840";
    }
}
