using Microsoft.Extensions.DependencyInjection;
using VaasWeb.Processing.Settings;
using VaasWeb.Processing.Tasks;

namespace VaasWeb.Processing.Retention;

public static class RetentionServiceCollectionExtensions
{
    public static IServiceCollection AddRetention(this IServiceCollection services)
    {
        services.AddCheckedOptions<RetentionOptions, RetentionOptionsValidator>(RetentionOptions.Section);
        services.AddSingleton<RetentionService>();
        // Daily; the first an hour after start, so a restart loop cannot run it over and over.
        services.AddRecurringJob<RetentionJob>(RetentionJob.Key, every: TimeSpan.FromDays(1), firstAfter: TimeSpan.FromHours(1));
        return services;
    }
}
