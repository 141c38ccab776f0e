namespace VaasWeb.Processing.Clips;

/// <summary>Clips cut around search hits. Section <c>Clips</c>.</summary>
public sealed class ClipOptions
{
    public const string Section = "Clips";

    /// <summary>A picture or on-screen text hit becomes a clip from this much before to this much after it.</summary>
    public double PaddingSeconds { get; set; } = 5;

    /// <summary>The longest clip anyone can ask for.</summary>
    public double MaxSeconds { get; set; } = 600;

    /// <summary>Cut clips are kept (and served again) for this long, then deleted.</summary>
    public double MaxAgeHours { get; set; } = 24;
}
