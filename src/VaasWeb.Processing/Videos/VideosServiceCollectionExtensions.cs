using Microsoft.Extensions.DependencyInjection;

namespace VaasWeb.Processing.Videos;

public static class VideosServiceCollectionExtensions
{
    /// <summary>The library: importing files as videos (and queueing their ingestion), deleting them with all they made.</summary>
    public static IServiceCollection AddVideos(this IServiceCollection services)
    {
        services.AddSingleton<VideoImporter>();
        services.AddSingleton<VideoDeletion>();
        services.AddSingleton<VideoQueries>();
        services.AddSingleton<VideoOpenings>();
        return services;
    }
}
