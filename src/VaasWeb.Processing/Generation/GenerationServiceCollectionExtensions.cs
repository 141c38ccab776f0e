using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using VaasWeb.Processing.Generation.MiniMax;
using VaasWeb.Processing.Settings;
using VaasWeb.Processing.Tasks;

namespace VaasWeb.Processing.Generation;

public static class GenerationServiceCollectionExtensions
{
    /// <summary>Generation as a kind of task: the MiniMax client and its settings, the submit/poll/retrieve jobs and their clocks.</summary>
    public static IServiceCollection AddGeneration(this IServiceCollection services)
    {
        services.AddCheckedOptions<MiniMaxOptions, MiniMaxOptionsValidator>(MiniMaxOptions.Section);
        services.AddMemoryCache();
        services.AddMiniMaxClient();
        services.AddSingleton<GenerationPoller>();
        services.AddSingleton<GenerationRetrievals>();
        services.AddDataProtection();
        services.AddSingleton<GenerationCallbacks>();
        services.AddTransient<GenerationService>();
        services.AddTransient<GenerationRetrieveJob>();

        services.AddTaskKind<GenerationKind>();
        // Both tick every second and do nothing when there is nothing due. The submit job sends what the rate gate
        // allows: a Quartz job that never runs twice at once, also across a cluster, so sends stay serial. The poll
        // clock is each node's own and asks MiniMax about each generation this node holds whose interval has passed.
        services.AddRecurringJob<GenerationSubmitJob>(GenerationSubmitJob.Key, every: TimeSpan.FromSeconds(1));
        services.AddHostedService<GenerationPollClock>();
        return services;
    }
}

internal sealed class MiniMaxOptionsValidator() : OptionsValidator<MiniMaxOptions>(MiniMaxOptions.Section)
{
    protected override void Check(MiniMaxOptions o, Rules rules)
    {
        rules.Require(Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp),
            nameof(o.BaseUrl), "must be an absolute http(s) URL", o.BaseUrl);
        rules.Require(o.PollIntervalSeconds is >= 5 and <= 30, nameof(o.PollIntervalSeconds), "must be between 5 and 30 (MiniMax's guidance)", o.PollIntervalSeconds);
        rules.Require(o.SubmitBackoffSeconds is null or (>= 1 and <= 600), nameof(o.SubmitBackoffSeconds), "must be between 1 and 600 seconds", o.SubmitBackoffSeconds);
        rules.Require(o.RetrieveRetrySeconds is null or (>= 1 and <= 3600), nameof(o.RetrieveRetrySeconds), "must be between 1 and 3600 seconds", o.RetrieveRetrySeconds);
        rules.Require(o.SubmitPerMinute is >= 1 and <= 10_000, nameof(o.SubmitPerMinute), "must be between 1 and 10000", o.SubmitPerMinute);
        rules.Require(o.TimeoutMinutes is > 0 and <= 24 * 60, nameof(o.TimeoutMinutes), "must be above 0 and at most 1440", o.TimeoutMinutes);
        rules.Require(o.RequestTimeoutSeconds is > 0 and <= 600, nameof(o.RequestTimeoutSeconds), "must be above 0 and at most 600", o.RequestTimeoutSeconds);
        rules.Require(o.MaxRetries is >= 0 and <= 10, nameof(o.MaxRetries), "must be between 0 and 10", o.MaxRetries);
        rules.Require(o.RetryDelaySeconds is > 0 and <= 600, nameof(o.RetryDelaySeconds), "must be above 0 and at most 600", o.RetryDelaySeconds);
        rules.Require(o.BreakerFailureRatio is > 0 and <= 1, nameof(o.BreakerFailureRatio), "must be above 0 and at most 1", o.BreakerFailureRatio);
        rules.Require(o.BreakerMinimumThroughput >= 2, nameof(o.BreakerMinimumThroughput), "must be 2 or more", o.BreakerMinimumThroughput);
        rules.Require(o.BreakerSamplingSeconds >= 0.5, nameof(o.BreakerSamplingSeconds), "must be 0.5 or more", o.BreakerSamplingSeconds);
        rules.Require(o.BreakerBreakSeconds >= 0.5, nameof(o.BreakerBreakSeconds), "must be 0.5 or more", o.BreakerBreakSeconds);
        rules.Require(o.CallbackBaseUrl is null || GenerationCallbacks.IsUsableBase(o.CallbackBaseUrl), nameof(o.CallbackBaseUrl),
            "must be an absolute http(s) URL without a query, where MiniMax can reach this server", o.CallbackBaseUrl);
        rules.Require(o.MaxConcurrentPolls is >= 1 and <= 1024, nameof(o.MaxConcurrentPolls), "must be between 1 and 1024", o.MaxConcurrentPolls);
    }
}
