using VaasWeb.Processing.Media;

namespace VaasWeb.Processing.Videos;

public enum VideoSource
{
    Upload,
    MediaFolder,
    Generated,
}

/// <summary>A video file under the media root, with what ffprobe said about it.</summary>
public sealed class Video
{
    private Video()
    {
    }

    public Video(Guid id, string originalFileName, string storedPath, long sizeBytes, string? sha256, VideoSource source, DateTimeOffset createdAt)
    {
        Id = id;
        OriginalFileName = originalFileName;
        StoredPath = storedPath;
        SizeBytes = sizeBytes;
        Sha256 = sha256;
        Source = source;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }

    /// <summary>The name the client sent. Metadata for display only: it never becomes part of a path.</summary>
    public string OriginalFileName { get; private set; } = "";

    /// <summary>Path relative to the media root, with forward slashes.</summary>
    public string StoredPath { get; private set; } = "";

    public long SizeBytes { get; private set; }
    public string? Sha256 { get; private set; }
    public VideoSource Source { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    public double? DurationSeconds { get; private set; }
    public int? Width { get; private set; }
    public int? Height { get; private set; }
    public string? Container { get; private set; }
    public string? VideoCodec { get; private set; }
    public string? AudioCodec { get; private set; }
    public bool HasAudio { get; private set; }
    public double? FrameRate { get; private set; }

    /// <summary>The account that uploaded it; null for files found in the media folder and generated videos.</summary>
    public string? OwnerId { get; init; }

    /// <summary>When someone last opened the video's page or played its file (to the hour); null: not since it was added.</summary>
    public DateTimeOffset? LastOpenedAt { get; private set; }

    /// <summary>Small still for the board, relative to the media root; set by ingestion.</summary>
    public string? ThumbnailPath { get; set; }

    public void SetContent(long sizeBytes, string sha256)
    {
        SizeBytes = sizeBytes;
        Sha256 = sha256;
    }

    public void ApplyProbe(MediaInfo info)
    {
        DurationSeconds = info.Duration.TotalSeconds;
        Width = info.Width;
        Height = info.Height;
        Container = info.Container;
        VideoCodec = info.VideoCodec;
        AudioCodec = info.AudioCodec;
        HasAudio = info.HasAudio;
        FrameRate = info.FrameRate;
    }
}
