using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace VaasWeb.Processing.Intelligence.OpenAi;

public static class OpenAiServiceCollectionExtensions
{
    /// <summary>
    /// The four OpenAI-compatible providers as typed HTTP clients, each with its own resilience pipeline timed from
    /// its section of <see cref="IntelligenceOptions"/>. Registers the concrete classes only; which one backs
    /// <see cref="ITranscriber"/>, <see cref="ICaptioner"/>, <see cref="IEmbedder"/> or <see cref="IChatCompleter"/> is
    /// up to the caller.
    /// </summary>
    public static IServiceCollection AddOpenAiProviders(this IServiceCollection services)
    {
        services.AddOpenAiClient<OpenAiTranscriber>(o => o.Speech);
        services.AddOpenAiClient<OpenAiCaptioner>(o => o.Chat);
        services.AddOpenAiClient<OpenAiEmbedder>(o => o.Embeddings);
        services.AddOpenAiClient<OpenAiChat>(o => o.Chat);
        return services;
    }

    private static void AddOpenAiClient<TClient>(this IServiceCollection services, Func<IntelligenceOptions, EndpointOptions> section)
        where TClient : class
    {
        services.AddHttpClient<TClient>()
            .AddStandardResilienceHandler()
            .Configure((resilience, provider) => Configure(resilience, section(provider.GetRequiredService<IOptions<IntelligenceOptions>>().Value)));
    }

    private static void Configure(HttpStandardResilienceOptions resilience, EndpointOptions endpoint)
    {
        var attempt = OpenAiHttp.AttemptTimeout(endpoint);
        resilience.AttemptTimeout.Timeout = attempt;
        resilience.TotalRequestTimeout.Timeout = OpenAiHttp.TotalTimeout(endpoint);

        resilience.Retry.MaxRetryAttempts = OpenAiHttp.Retries;
        resilience.Retry.BackoffType = DelayBackoffType.Exponential;
        resilience.Retry.UseJitter = true;
        resilience.Retry.Delay = TimeSpan.FromSeconds(2);
        resilience.Retry.MaxDelay = OpenAiHttp.MaxRetryDelay;
        // Only what a second try can fix: no connection, a timed-out attempt, 408, 429 and 5xx. A 400 or a 401
        // (bad request, wrong key) would only be refused again, and cost a paid call each time.
        resilience.Retry.ShouldHandle = args => ValueTask.FromResult(HttpClientResiliencePredicates.IsTransient(args.Outcome));

        // The breaker must watch at least two attempts' worth of time to judge anything (the options validator insists).
        resilience.CircuitBreaker.SamplingDuration = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(30).Ticks, 2 * attempt.Ticks));
    }
}
