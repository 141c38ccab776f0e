using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VaasWeb.Processing;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Storage;
using VaasWeb.Processing.Tasks;

namespace VaasWeb.Tests.Unit.Support;

/// <summary>
/// The processing side exactly as the app wires it (real SQLite file, real ffmpeg, real Quartz), without the
/// web host, on a data folder of its own.
/// </summary>
public sealed class ProcessingHost : IAsyncDisposable
{
    private readonly IHost _host;

    private ProcessingHost(IHost host, string dataDirectory)
    {
        _host = host;
        DataDirectory = dataDirectory;
    }

    public string DataDirectory { get; }
    public RecordingTaskEvents Events => Get<RecordingTaskEvents>();
    public MediaStorage Storage => Get<MediaStorage>();

    /// <param name="configure">Services only this test adds (a task kind of its own).</param>
    public static async Task<ProcessingHost> StartAsync(string dataDirectory, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = dataDirectory,
            ["Worker:Id"] = "test-node",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Services.AddSingleton<RecordingTaskEvents>();
        builder.Services.AddSingleton<ITaskEventSink>(provider => provider.GetRequiredService<RecordingTaskEvents>());
        builder.Services.AddVaasProcessing(builder.Configuration);
        configure?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new ProcessingHost(host, dataDirectory);
    }

    public T Get<T>()
        where T : notnull => _host.Services.GetRequiredService<T>();

    public async Task<VaasDbContext> DbAsync() => await Get<IDbContextFactory<VaasDbContext>>().CreateDbContextAsync();

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
