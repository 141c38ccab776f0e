namespace VaasWeb.Processing.Videos;

/// <summary>A still sampled from a video at an exact presentation time.</summary>
public sealed class Frame(Guid videoId, int index, double timestampSeconds, string path, int width, int height)
{
    public long Id { get; private set; }
    public Guid VideoId { get; private set; } = videoId;
    public int Index { get; private set; } = index;
    public double TimestampSeconds { get; private set; } = timestampSeconds;

    /// <summary>JPEG path relative to the media root.</summary>
    public string Path { get; private set; } = path;

    public int Width { get; private set; } = width;
    public int Height { get; private set; } = height;
}
