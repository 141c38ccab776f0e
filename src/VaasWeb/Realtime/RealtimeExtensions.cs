using VaasWeb.Processing.Tasks;

namespace VaasWeb.Realtime;

internal static class RealtimeExtensions
{
    public static IServiceCollection AddVaasRealtime(this IServiceCollection services)
    {
        services.AddSignalR().AddJsonProtocol(o =>
        {
            HostingExtensions.ConfigureWireFormat(o.PayloadSerializerOptions);
            // Updates go to every viewer many times a second: absent fields (no error, no thumbnail yet) cost nothing.
            o.PayloadSerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
        });
        services.AddSingleton<TaskEventNotifier>();
        services.AddSingleton<ITaskEventSink>(provider => provider.GetRequiredService<TaskEventNotifier>());
        services.AddSingleton<ITaskUpdates>(provider => provider.GetRequiredService<TaskEventNotifier>());
        services.AddHostedService(provider => provider.GetRequiredService<TaskEventNotifier>());
        services.AddSingleton<TaskEtaTracker>();
        return services;
    }

    public static IEndpointRouteBuilder MapVaasRealtime(this IEndpointRouteBuilder app)
    {
        app.MapHub<TaskHub>(TaskHub.Path);
        return app;
    }
}
