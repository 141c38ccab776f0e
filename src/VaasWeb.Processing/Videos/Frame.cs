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

    /// <summary>64-bit difference hash of the picture: near-identical frames differ in few bits (search by picture).</summary>
    public long? Hash { get; init; }

    /// <summary>The picture at 16×16 grey (see <see cref="Search.PictureFingerprint.Compact"/>): ranks look-alike frames against a searched picture.</summary>
    public byte[]? Fingerprint { get; init; }

    /// <summary>
    /// The index of the first frame of the run of look-alike frames this one belongs to: frames of one group
    /// show the same picture, so text is read and described once per group.
    /// </summary>
    public int? Group { get; init; }
}
