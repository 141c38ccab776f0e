using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Tasks;

namespace VaasWeb.Realtime;

internal static class RealtimeExtensions
{
    /// <summary>SignalR's channels on the shared Redis, apart from <see cref="RedisTaskEventRelay.ChannelName"/>.</summary>
    public const string BackplaneChannelPrefix = "vaas:signalr";

    /// <summary>
    /// Task changes for this node's circuits and hub clients; with <c>ConnectionStrings:Redis</c>, also for every other
    /// node's (the SignalR backplane for hub sends, a pub/sub channel for circuits). Without it nothing touches Redis.
    /// </summary>
    public static IServiceCollection AddVaasRealtime(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSignalR().AddJsonProtocol(o => LiveWireFormat.Configure(o.PayloadSerializerOptions));
        services.AddSingleton<TaskEventNotifier>();
        services.AddSingleton<ITaskEventSink>(provider => provider.GetRequiredService<TaskEventNotifier>());
        services.AddSingleton<ITaskUpdates>(provider => provider.GetRequiredService<TaskEventNotifier>());
        services.AddSingleton<TaskEtaTracker>();
        if (RedisSettings.IsConfigured(configuration))
        {
            services.AddSingleton<IValidateOptions<RedisSettings>, RedisSettingsValidator>();
            services.AddOptions<RedisSettings>().Configure(o => o.ConnectionString = configuration.GetConnectionString("Redis")).ValidateOnStart();
            services.AddSingleton<RedisConnection>();
            services.AddSingleton<RedisTaskEventRelay>();
            services.AddSingleton<ITaskEventRelay>(provider => provider.GetRequiredService<RedisTaskEventRelay>());
            // Started before the notifier, so this node listens before it has anything to send.
            services.AddHostedService(provider => provider.GetRequiredService<RedisTaskEventRelay>());
            // The task hub only: Blazor's own hub keeps the in-process manager, since a circuit lives on one node and
            // must keep working while Redis is away (the Redis manager cannot accept a connection then).
            services.AddSingleton<HubLifetimeManager<TaskHub>, RedisHubLifetimeManager<TaskHub>>();
            services.AddOptions<RedisOptions>().Configure<RedisConnection>((o, redis) => o.Configuration = redis.ForBackplane(BackplaneChannelPrefix));
            services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis");
        }

        services.AddHostedService(provider => provider.GetRequiredService<TaskEventNotifier>());
        return services;
    }

    public static IEndpointRouteBuilder MapVaasRealtime(this IEndpointRouteBuilder app)
    {
        app.MapHub<TaskHub>(TaskHub.Path);
        return app;
    }
}
