using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Settings;

namespace VaasWeb.Processing.Webhooks;

public static class WebhooksServiceCollectionExtensions
{
    /// <summary>
    /// Webhooks: the settings, the outbox (an EF Core interceptor every context of the app carries), the typed client
    /// with its resilience handler, and the sender on every node. The host adds the <see cref="IWebhookPayload"/>.
    /// </summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddCheckedOptions<WebhookOptions, WebhookOptionsValidator>(WebhookOptions.Section);
        services.TryAddSingleton<IWebhookPayload, SnapshotWebhookPayload>();
        services.AddSingleton<WebhookSignal>();
        services.AddSingleton<WebhookTargets>();
        // The secrets are kept protected; the web host says where the keys live (the database on PostgreSQL), and a
        // host without it (a worker, the tests) still gets a working provider.
        services.AddDataProtection();
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton<WebhookService>();
        services.AddSingleton<WebhookOutbox>();
        services.AddSingleton<ISaveChangesInterceptor>(provider => provider.GetRequiredService<WebhookOutbox>());
        services.AddTransient<WebhookClient.CountingHandler>();
        var client = services.AddHttpClient<WebhookClient>(http =>
            {
                http.Timeout = Timeout.InfiniteTimeSpan; // the pipeline's timeouts rule
                http.DefaultRequestHeaders.UserAgent.ParseAdd("VaasWeb-Webhooks/1");
            })
            .ConfigurePrimaryHttpMessageHandler(provider => WebhookClient.PrimaryHandler(provider.GetRequiredService<WebhookTargets>()));
        client.AddStandardResilienceHandler()
            .Configure((HttpStandardResilienceOptions resilience, IServiceProvider provider) =>
            {
                var o = provider.GetRequiredService<IOptions<WebhookOptions>>().Value;
                resilience.AttemptTimeout.Timeout = o.AttemptTimeout;
                resilience.Retry.MaxRetryAttempts = Math.Max(1, o.QuickRetries);
                resilience.Retry.Delay = TimeSpan.FromSeconds(o.QuickRetryDelaySeconds);
                resilience.Retry.UseJitter = true;
                var refused = resilience.Retry.ShouldHandle;
                // An address refused by the rules stays refused; retrying it is noise.
                resilience.Retry.ShouldHandle = args => WebhookClient.Find<WebhookTargetRefusedException>(args.Outcome.Exception) is not null || o.QuickRetries == 0
                    ? ValueTask.FromResult(false)
                    : refused(args);
                resilience.TotalRequestTimeout.Timeout = o.RoundTimeout;
                resilience.CircuitBreaker.SamplingDuration = o.AttemptTimeout * 2 + TimeSpan.FromSeconds(30);
            })
            .SelectPipelineByAuthority();
        // Added after the resilience handler, so inside it: it sees every attempt, retries included.
        client.AddHttpMessageHandler<WebhookClient.CountingHandler>();
        services.AddHostedService<WebhookSender>();
        return services;
    }
}
