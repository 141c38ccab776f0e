using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using VaasWeb.Processing;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Storage;
using VaasWeb.Processing.Tasks;

namespace VaasWeb.Tests.Unit.Support;

/// <summary>
/// The processing side exactly as the app wires it (real SQLite file or real PostgreSQL, real ffmpeg, real Quartz),
/// without the web host, on a data folder of its own. On PostgreSQL the database belongs to the data folder too: a
/// host started again on the same folder finds the same database, as it finds the same SQLite file.
/// </summary>
public sealed class ProcessingHost : IAsyncDisposable
{
    private readonly IHost _host;

    private ProcessingHost(IHost host, string dataDirectory, DatabaseProvider database)
    {
        _host = host;
        DataDirectory = dataDirectory;
        Database = database;
    }

    public string DataDirectory { get; }
    public DatabaseProvider Database { get; }
    public RecordingTaskEvents Events => Get<RecordingTaskEvents>();
    public MediaStorage Storage => Get<MediaStorage>();

    /// <param name="configure">Services only this test adds (a task kind of its own).</param>
    /// <param name="database">The provider; on PostgreSQL the database of <paramref name="dataDirectory"/> on the test run's server.</param>
    public static async Task<ProcessingHost> StartAsync(
        string dataDirectory, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null,
        DatabaseProvider database = DatabaseProvider.Sqlite)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = dataDirectory,
            ["Worker:Id"] = "test-node",
        });
        if (database == DatabaseProvider.Postgres)
        {
            builder.Configuration.AddInMemoryCollection(await PostgresServer.SettingsForAsync(dataDirectory));
        }

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
        return new ProcessingHost(host, dataDirectory, database);
    }

    public T Get<T>()
        where T : notnull => _host.Services.GetRequiredService<T>();

    public async Task<VaasDbContext> DbAsync() => await Get<IDbContextFactory<VaasDbContext>>().CreateDbContextAsync();

    public async ValueTask DisposeAsync()
    {
        var connectionString = _host.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString;
        await _host.StopAsync();
        _host.Dispose();
        if (Database == DatabaseProvider.Postgres)
        {
            // Each test has a database of its own: its idle connections would otherwise pile up on the shared server.
            NpgsqlConnection.ClearPool(new NpgsqlConnection(connectionString));
        }
    }
}
