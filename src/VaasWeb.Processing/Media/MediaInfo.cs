namespace VaasWeb.Processing.Media;

/// <summary>What ffprobe found in a file that is a usable video.</summary>
public sealed record MediaInfo(
    TimeSpan Duration,
    TimeSpan VideoDuration,
    string Container,
    string VideoCodec,
    int Width,
    int Height,
    double FrameRate,
    string? AudioCodec,
    TimeSpan StartTime)
{
    public bool HasAudio => AudioCodec is not null;
}
