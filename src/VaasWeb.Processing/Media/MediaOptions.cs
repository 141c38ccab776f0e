namespace VaasWeb.Processing.Media;

/// <summary>How ffmpeg and ffprobe are found and how many may run at once. Section <c>Media</c>.</summary>
public sealed class MediaOptions
{
    public const string Section = "Media";

    /// <summary>Folder holding ffmpeg and ffprobe; empty means "find them on PATH".</summary>
    public string? FfmpegFolder { get; set; }

    /// <summary>Upper bound on ffmpeg/ffprobe processes at once, whoever starts them.</summary>
    public int MaxConcurrentProcesses { get; set; } = Math.Max(2, Environment.ProcessorCount);
}
