using VaasWeb.Processing.Tasks;

namespace VaasWeb.Processing.Media;

/// <summary>A file ffmpeg cannot use, or an ffmpeg run that failed.</summary>
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
    public const string FfmpegFailed = "ffmpeg_failed";
    public const string FfmpegMissing = "ffmpeg_missing";
    public const string Missing = "video_missing";
}
