using Microsoft.Extensions.DependencyInjection;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Settings;

namespace VaasWeb.Processing.Clips;

public static class ClipsServiceCollectionExtensions
{
    /// <summary>Clips cut around hits, and the job that deletes them once they are old.</summary>
    public static IServiceCollection AddClips(this IServiceCollection services)
    {
        services.AddCheckedOptions<ClipOptions, ClipOptionsValidator>(ClipOptions.Section);
        services.AddSingleton<ClipPlanner>();
        services.AddSingleton<ClipService>();
        services.AddRecurringJob<ExpiredClipsJob>(ExpiredClipsJob.Key, every: TimeSpan.FromMinutes(30), firstAfter: TimeSpan.FromMinutes(5));
        return services;
    }
}

internal sealed class ClipOptionsValidator() : OptionsValidator<ClipOptions>(ClipOptions.Section)
{
    protected override void Check(ClipOptions o, Rules rules)
    {
        rules.Require(o.PaddingSeconds is >= 0 and <= 600, nameof(o.PaddingSeconds), "must be between 0 and 600", o.PaddingSeconds);
        rules.Require(o.MaxSeconds is >= 1 and <= 86_400, nameof(o.MaxSeconds), "must be between 1 and 86400", o.MaxSeconds);
        rules.Require(o.MaxAgeHours > 0, nameof(o.MaxAgeHours), "must be above 0", o.MaxAgeHours);
    }
}
