using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Storage;

namespace VaasWeb.Tests.E2E.Support;

/// <summary>The real app (Program.cs as shipped) on a free loopback port, with a data folder of its own.</summary>
public sealed class VaasApp : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    private VaasApp(string dataDirectory, IDictionary<string, string?>? settings)
    {
        _settings = new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = dataDirectory,
            ["Worker:Id"] = "e2e-node",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        UseKestrel(0);
    }

    public Uri BaseAddress => ClientOptions.BaseAddress;

    public MediaStorage Storage => Services.GetRequiredService<MediaStorage>();

    public static VaasApp Start(string dataDirectory, IDictionary<string, string?>? settings = null)
    {
        var app = new VaasApp(dataDirectory, settings);
        app.StartServer();
        return app;
    }

    public HttpClient CreateHttpClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(2) };

    public async Task<VaasDbContext> DbAsync() =>
        await Services.GetRequiredService<IDbContextFactory<VaasDbContext>>().CreateDbContextAsync();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }
}
