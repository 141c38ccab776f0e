using VaasWeb.Processing.Failures;

namespace VaasWeb.Processing.Media;

/// <summary>
/// A file ffmpeg cannot use, or a tool run that failed. The codes are the ones tasks and API answers carry: the
/// first four blame the input, the last two are the server's own trouble and never the uploader's.
/// </summary>
public sealed class MediaException(string code, string message, Exception? inner = null) : TaskFailureException(code, message, inner)
{
    /// <summary>The same failure, with <paramref name="path"/> (a file name only the server knows) said as <paramref name="name"/>.</summary>
    public MediaException Naming(string path, string name) =>
        Message.Contains(path, StringComparison.Ordinal) || Message.Contains(Path.GetFileName(path), StringComparison.Ordinal)
            ? new MediaException(Code, Message.Replace(path, name, StringComparison.Ordinal).Replace(Path.GetFileName(path), name, StringComparison.Ordinal), this)
            : this;

    // The media failures' codes, from the catalogue.
    public const string NotAVideo = ErrorCodes.NotAVideo;
    public const string Unreadable = ErrorCodes.UnreadableMedia;
    public const string Truncated = ErrorCodes.MediaTruncated;
    public const string Missing = ErrorCodes.VideoMissing;
    public const string FfmpegFailed = ErrorCodes.FfmpegFailed;

    /// <summary>ffmpeg, ffprobe, tesseract or pocketsphinx is missing or does not run; the message names the package and setting.</summary>
    public const string ToolUnavailable = ErrorCodes.ToolUnavailable;

    /// <summary>The disk holding the data directory is full.</summary>
    public const string DiskFull = ErrorCodes.DiskFull;
}
