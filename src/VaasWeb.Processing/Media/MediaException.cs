using VaasWeb.Processing.Tasks;

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

    public const string NotAVideo = "not_a_video";
    public const string Unreadable = "unreadable_media";
    public const string Truncated = "media_truncated";
    public const string Missing = "video_missing";
    public const string FfmpegFailed = "ffmpeg_failed";

    /// <summary>ffmpeg, ffprobe, tesseract or pocketsphinx is missing or does not run; the message names the package and setting.</summary>
    public const string ToolUnavailable = "tool_unavailable";

    /// <summary>The disk holding the data directory is full.</summary>
    public const string DiskFull = "disk_full";
}
