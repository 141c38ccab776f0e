using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace MiniMax.Emulator;

/// <summary>Builds the emulator; tests start it on a free loopback port with <see cref="StartAsync"/>.</summary>
public static class EmulatorApp
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = EmulatorServices.MaxRequestBytes);
        builder.Logging.AddEmulatorLogging();
        builder.Services.AddEmulator();
        var app = builder.Build();
        app.UseEmulator();
        return app;
    }

    /// <summary>Starts an emulator on 127.0.0.1 and a free port; the returned app's address is in <see cref="AddressOf"/>.</summary>
    public static async Task<WebApplication> StartAsync(params string[] args)
    {
        var app = Build([.. args, "--urls", "http://127.0.0.1:0"]);
        await app.StartAsync();
        return app;
    }

    public static Uri AddressOf(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
}
