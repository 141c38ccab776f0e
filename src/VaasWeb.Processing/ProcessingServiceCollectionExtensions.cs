using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VaasWeb.Processing.Accounts;
using VaasWeb.Processing.Clips;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Generation;
using VaasWeb.Processing.Health;
using VaasWeb.Processing.Ingestion;
using VaasWeb.Processing.Intelligence;
using VaasWeb.Processing.Media;
using VaasWeb.Processing.Retention;
using VaasWeb.Processing.Search;
using VaasWeb.Processing.Storage;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Uploads;
using VaasWeb.Processing.Videos;
using VaasWeb.Processing.Webhooks;

namespace VaasWeb.Processing;

public static class ProcessingServiceCollectionExtensions
{
    /// <summary>
    /// Everything without a UI, one feature a line; each registers its own settings (checked at start), services and
    /// Quartz schedules. Hosted services start in this order: the schema, then recovery, then the scheduler. The host
    /// adds an <see cref="ITaskEventSink"/>.
    /// </summary>
    public static IServiceCollection AddVaasProcessing(this IServiceCollection services, IConfiguration configuration) => services
        .AddSingleton<Telemetry.VaasMetrics>()
        .AddSingleton<Telemetry.QueueDepthGauge>()
        .AddStorage()
        .AddVaasData(configuration)
        .AddVaasAccounts()
        .AddMedia()
        .AddUploads()
        .AddTasks(configuration)
        .AddVideos()
        .AddIngestion()
        .AddIntelligence()
        .AddSearch()
        .AddClips()
        .AddGeneration()
        .AddWebhooks()
        .AddSingleton<Stats.TaskStats>()
        .AddRetention()
        .AddVaasHealthChecks();
}
