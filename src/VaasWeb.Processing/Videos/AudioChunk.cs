namespace VaasWeb.Processing.Videos;

/// <summary>A 16 kHz mono WAV cut from a video's audio, covering [start, end) of the video's time line.</summary>
public sealed class AudioChunk(Guid videoId, int index, double startSeconds, double endSeconds, string path)
{
    public long Id { get; private set; }
    public Guid VideoId { get; private set; } = videoId;
    public int Index { get; private set; } = index;
    public double StartSeconds { get; private set; } = startSeconds;
    public double EndSeconds { get; private set; } = endSeconds;

    /// <summary>WAV path relative to the media root.</summary>
    public string Path { get; private set; } = path;
}
