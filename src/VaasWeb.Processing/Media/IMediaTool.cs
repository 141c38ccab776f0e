namespace VaasWeb.Processing.Media;

/// <summary>The few things VaasWeb asks of ffmpeg/ffprobe. Cancelling any call kills the process it started.</summary>
public interface IMediaTool
{
    /// <summary>Reads a file's streams; throws <see cref="MediaException"/> when it is not a usable video.</summary>
    Task<MediaInfo> ProbeAsync(string path, CancellationToken cancellationToken);

    /// <summary>Writes one JPEG per interval into an empty folder and returns them with their exact times.</summary>
    Task<IReadOnlyList<SampledFrame>> ExtractFramesAsync(FrameExtraction request, IProgress<double> progress, CancellationToken cancellationToken);

    /// <summary>Scales an image to the given width, keeping its aspect ratio.</summary>
    Task ResizeImageAsync(string inputPath, string outputPath, int width, CancellationToken cancellationToken);

    /// <summary>Decodes the first audio stream to 16-bit PCM mono WAV at the given rate.</summary>
    Task ExtractAudioAsync(string inputPath, string outputPath, int sampleRate, TimeSpan duration, IProgress<double> progress, CancellationToken cancellationToken);

    /// <summary>The fingerprint of every image matching an ffmpeg sequence pattern, in order.</summary>
    Task<IReadOnlyList<Search.PictureFingerprint>> FingerprintsAsync(string sequencePattern, CancellationToken cancellationToken);

    /// <summary>The fingerprint of one picture (JPEG, PNG, WebP…); throws <see cref="MediaException"/> for anything else.</summary>
    Task<Search.PictureFingerprint> FingerprintAsync(string imagePath, CancellationToken cancellationToken);

    /// <summary>Cuts [start, start + duration) of a video into a new MP4, exact to the frame (re-encoded).</summary>
    Task CutAsync(string inputPath, string outputPath, double startSeconds, double durationSeconds, CancellationToken cancellationToken);

    /// <summary>
    /// Re-encodes a picture (JPEG, PNG, WebP…) as a JPEG whose short side is at least <paramref name="minShortSide"/>
    /// and whose long side is at most <paramref name="maxLongSide"/>; returns its size. Throws <see cref="MediaException"/> for anything else.
    /// </summary>
    Task<(int Width, int Height)> PrepareStillAsync(string inputPath, string outputPath, int minShortSide, int maxLongSide, CancellationToken cancellationToken);

    /// <summary>A video's picture with <paramref name="audioPath"/> as its sound, cut or padded with silence to the video's length.</summary>
    Task MuxAudioAsync(string videoPath, string audioPath, string outputPath, double durationSeconds, CancellationToken cancellationToken);
}

public sealed record FrameExtraction(
    string InputPath,
    string OutputDirectory,
    double IntervalSeconds,
    int Width,
    int Height,
    TimeSpan StartTime,
    TimeSpan Duration);

/// <summary>A frame written by <see cref="IMediaTool.ExtractFramesAsync"/>: its file name and its time in the video.</summary>
public sealed record SampledFrame(int Index, string FileName, double TimestampSeconds);
