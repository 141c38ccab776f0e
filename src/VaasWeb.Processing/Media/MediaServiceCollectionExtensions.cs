using Microsoft.Extensions.DependencyInjection;
using VaasWeb.Processing.Settings;

namespace VaasWeb.Processing.Media;

public static class MediaServiceCollectionExtensions
{
    /// <summary>ffmpeg and ffprobe behind <see cref="IMediaTool"/>, and the checks that tell whether the external tools work.</summary>
    public static IServiceCollection AddMedia(this IServiceCollection services)
    {
        services.AddCheckedOptions<MediaOptions, MediaOptionsValidator>(MediaOptions.Section);
        services.AddSingleton<ExternalTools>();
        services.AddSingleton<IMediaTool, FfmpegMediaTool>();
        return services;
    }
}

internal sealed class MediaOptionsValidator() : OptionsValidator<MediaOptions>(MediaOptions.Section)
{
    protected override void Check(MediaOptions o, Rules rules)
    {
        rules.Require(o.MaxConcurrentProcesses is >= 1 and <= 256, nameof(o.MaxConcurrentProcesses), "must be between 1 and 256", o.MaxConcurrentProcesses);
        rules.Require(string.IsNullOrWhiteSpace(o.FfmpegFolder)
                      || (File.Exists(Path.Combine(o.FfmpegFolder, "ffmpeg")) && File.Exists(Path.Combine(o.FfmpegFolder, "ffprobe"))),
            nameof(o.FfmpegFolder), "must name a folder that holds both ffmpeg and ffprobe", o.FfmpegFolder);
    }
}
