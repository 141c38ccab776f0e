using MiniMax.Emulator.Callbacks;
using MiniMax.Emulator.Endpoints;
using MiniMax.Emulator.Faults;
using MiniMax.Emulator.Media;
using MiniMax.Emulator.Requests;
using MiniMax.Emulator.State;

namespace MiniMax.Emulator;

/// <summary>The emulator's parts, registered and mapped by concern.</summary>
public static class EmulatorServices
{
    /// <summary>Uploads may be up to 20 MB and a first frame up to 20 MB of base64; above Kestrel's 30 MB default.</summary>
    public const long MaxRequestBytes = 64 * 1024 * 1024;

    public static IServiceCollection AddEmulator(this IServiceCollection services)
    {
        services.AddOptions<EmulatorOptions>().BindConfiguration(EmulatorOptions.Section);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<EmulatorSettings>();
        services.AddSingleton<NumericIds>();
        services.AddSingleton<TaskStore>();
        services.AddSingleton<FileStore>();
        services.AddSingleton<VoiceStore>();
        services.AddSingleton<FaultInjector>();
        services.AddSingleton<RequestLog>();
        services.AddSingleton<DownloadLinks>();
        services.AddSingleton<WorkFolder>();
        services.AddSingleton<Ffmpeg>();
        services.AddSingleton<VideoRenderer>();
        services.AddSingleton<SpeechRenderer>();
        services.AddSingleton<CallbackSender>();
        return services;
    }

    /// <summary>
    /// One line per request from the emulator itself; ASP.NET Core's own request lines would repeat them and print
    /// download signatures.
    /// </summary>
    public static ILoggingBuilder AddEmulatorLogging(this ILoggingBuilder logging)
    {
        logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
        });
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        return logging;
    }

    public static WebApplication UseEmulator(this WebApplication app)
    {
        // Created now, so that a bad setting fails the start, and deleted when the app stops, not only on dispose.
        app.Services.GetRequiredService<EmulatorSettings>();
        var folder = app.Services.GetRequiredService<WorkFolder>();
        app.Lifetime.ApplicationStopped.Register(folder.Dispose);

        app.UseMiddleware<GatewayMiddleware>();
        app.MapVideoEndpoints();
        app.MapFileEndpoints();
        app.MapSpeechEndpoints();
        app.MapVoiceEndpoints();
        app.MapControlEndpoints();
        return app;
    }
}
