using Microsoft.Extensions.DependencyInjection;

namespace VaasWeb.Processing.Health;

public static class HealthServiceCollectionExtensions
{
    /// <summary>What <c>/healthz</c> checks: the database, ffmpeg/ffprobe, the offline readers and the scheduler (the nodes of a cluster), each as they are now.</summary>
    public static IServiceCollection AddVaasHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database")
            .AddCheck<FfmpegHealthCheck>("ffmpeg")
            .AddCheck<ReadersHealthCheck>("readers")
            .AddCheck<VaasWeb.Processing.Cluster.ClusterHealthCheck>("scheduler");
        return services;
    }
}
