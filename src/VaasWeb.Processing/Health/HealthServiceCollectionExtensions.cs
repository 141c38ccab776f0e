using Microsoft.Extensions.DependencyInjection;

namespace VaasWeb.Processing.Health;

public static class HealthServiceCollectionExtensions
{
    /// <summary>What <c>/healthz</c> checks: the database, ffmpeg/ffprobe and the offline readers, each as they are now.</summary>
    public static IServiceCollection AddVaasHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database")
            .AddCheck<FfmpegHealthCheck>("ffmpeg")
            .AddCheck<ReadersHealthCheck>("readers");
        return services;
    }
}
