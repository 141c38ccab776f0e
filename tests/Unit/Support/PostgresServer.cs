using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using VaasWeb.Processing.Data;

namespace VaasWeb.Tests.Unit.Support;

/// <summary>
/// A real, throwaway PostgreSQL 15 for this test run: started on first use (initdb into a folder under /tmp, a free
/// loopback port, its socket in that folder), one database per test data folder, copied from a template that the
/// app's own PostgreSQL migrations built once. It is stopped and deleted when the test process ends, and also when
/// the process is killed: a watchdog in its own session waits for the test process to vanish, then stops the server
/// and deletes the folder. There is no skip: CI has PostgreSQL 15, and a server that cannot start fails the tests
/// that need it, saying why.
/// </summary>
public sealed class PostgresServer
{
    private const string BinFolder = "/usr/lib/postgresql/15/bin";
    private const string Template = "vaas_template";

    private static readonly Lazy<Task<PostgresServer>> Shared = new(StartAsync);

    private readonly SemaphoreSlim _creating = new(1, 1);
    private readonly string _folder;

    private PostgresServer(string folder, int port)
    {
        _folder = folder;
        Port = port;
    }

    public int Port { get; }

    private string DataFolder => Path.Combine(_folder, "data");

    public static Task<PostgresServer> GetAsync() => Shared.Value;

    /// <summary>
    /// The settings that put the app on PostgreSQL, on the database of <paramref name="dataDirectory"/>: made (already
    /// migrated) the first time, the same one again when a test restarts the app on the same folder.
    /// </summary>
    public static async Task<Dictionary<string, string?>> SettingsForAsync(string dataDirectory)
    {
        var server = await GetAsync();
        return new()
        {
            ["Database:Provider"] = nameof(DatabaseProvider.Postgres),
            ["ConnectionStrings:Vaas"] = await server.DatabaseForAsync(dataDirectory),
        };
    }

    public string ConnectionString(string database, bool pooling = true) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling={pooling}";

    /// <summary>The migrated database named after <paramref name="key"/> (a test's data folder); its connection string.</summary>
    public async Task<string> DatabaseForAsync(string key)
    {
        var name = "t_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..20];
        await CreateDatabaseAsync(name, Template, ifMissing: true);
        return ConnectionString(name);
    }

    /// <summary>A database with no schema at all, as a new deployment's; its connection string.</summary>
    public async Task<string> CreateEmptyDatabaseAsync()
    {
        var name = "e_" + Guid.NewGuid().ToString("N")[..20];
        await CreateDatabaseAsync(name, "template0", ifMissing: false);
        return ConnectionString(name);
    }

    /// <summary>Whether <paramref name="text"/> is anywhere in the database's files or the write-ahead log, once written out.</summary>
    public async Task<bool> FilesContainAsync(string connectionString, string text)
    {
        uint oid;
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var checkpoint = new NpgsqlCommand("CHECKPOINT", connection);
            await checkpoint.ExecuteNonQueryAsync();
            await using var query = new NpgsqlCommand("SELECT oid FROM pg_database WHERE datname = current_database()", connection);
            oid = (uint)(await query.ExecuteScalarAsync())!;
        }

        var needle = Encoding.UTF8.GetBytes(text);
        var files = Directory.GetFiles(Path.Combine(DataFolder, "base", oid.ToString()))
            .Concat(Directory.GetFiles(Path.Combine(DataFolder, "pg_wal")));
        foreach (var file in files)
        {
            if ((await File.ReadAllBytesAsync(file)).AsSpan().IndexOf(needle) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    private async Task CreateDatabaseAsync(string name, string template, bool ifMissing)
    {
        // One at a time: a template may not be copied while anyone is connected to it, and the checks are cheap.
        await _creating.WaitAsync();
        try
        {
            await using var connection = new NpgsqlConnection(ConnectionString("postgres", pooling: false));
            await connection.OpenAsync();
            if (ifMissing)
            {
                await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
                exists.Parameters.AddWithValue("name", name);
                if (await exists.ExecuteScalarAsync() is not null)
                {
                    return;
                }
            }

            // FILE_COPY: a small template is copied faster than it is written to the WAL, and the WAL stays small.
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\" STRATEGY FILE_COPY", connection);
            await create.ExecuteNonQueryAsync();
        }
        finally
        {
            _creating.Release();
        }
    }

    private static async Task<PostgresServer> StartAsync()
    {
        var initdb = Path.Combine(BinFolder, "initdb");
        if (!File.Exists(initdb))
        {
            throw new InvalidOperationException(
                $"PostgreSQL 15 is not installed ({initdb} is missing): apt-get install postgresql-15 (./test.sh installs it).");
        }

        var folder = Path.Combine(Path.GetTempPath(), $"vaasweb-pg-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(folder);
        // initdb refuses to run as root; the server's files then belong to the postgres user.
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await RunAsync("chown", ["postgres:postgres", folder]);
        }

        StartWatchdog(folder, asRoot);
        var server = new PostgresServer(folder, FreePort());
        await RunAsync(asRoot, initdb, ["-D", server.DataFolder, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
        var options = string.Join(' ',
            $"-p {server.Port}", $"-k {folder}", "-c listen_addresses=127.0.0.1",
            // A test server: speed over durability (the whole cluster is thrown away anyway).
            "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off", "-c wal_level=minimal", "-c max_wal_senders=0",
            "-c max_connections=300", "-c shared_buffers=32MB");
        try
        {
            await RunAsync(asRoot, Path.Combine(BinFolder, "pg_ctl"), ["-D", server.DataFolder, "-l", Path.Combine(folder, "server.log"), "-w", "-t", "60", "-o", options, "start"]);
        }
        catch (InvalidOperationException e)
        {
            var log = Path.Combine(folder, "server.log");
            throw new InvalidOperationException($"{e.Message}\nserver.log:\n{(File.Exists(log) ? await File.ReadAllTextAsync(log) : "(none)")}", e);
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.StopAndDelete(asRoot);

        await server.CreateDatabaseAsync(Template, "template0", ifMissing: false);
        var template = new DbContextOptionsBuilder<PostgresVaasDbContext>().UseNpgsql(server.ConnectionString(Template, pooling: false)).Options;
        await using (var db = new PostgresVaasDbContext(template))
        {
            await db.Database.MigrateAsync();
        }

        return server;
    }

    /// <summary>Stops the server and deletes its folder if this process ends without doing so (killed, crashed).</summary>
    private static void StartWatchdog(string folder, bool asRoot)
    {
        var stop = $"{(asRoot ? "runuser -u postgres -- " : "")}{BinFolder}/pg_ctl -D {folder}/data stop -m immediate";
        var script = $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; {stop}; rm -rf {folder}";
        using var launcher = Process.Start(new ProcessStartInfo("sh", ["-c", $"setsid sh -c '{script}' </dev/null >/dev/null 2>&1 &"])
        {
            UseShellExecute = false,
        })!;
        launcher.WaitForExit();
    }

    private void StopAndDelete(bool asRoot)
    {
        try
        {
            using var stop = Process.Start(Start(asRoot, Path.Combine(BinFolder, "pg_ctl"), ["-D", DataFolder, "stop", "-m", "immediate"]))!;
            stop.WaitForExit(10_000);
            Directory.Delete(_folder, recursive: true);
        }
        catch (Exception)
        {
            // The watchdog deletes what is left once this process is gone.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Task RunAsync(bool asPostgres, string file, string[] arguments) =>
        asPostgres ? RunAsync("runuser", ["-u", "postgres", "--", file, .. arguments]) : RunAsync(file, arguments);

    private static ProcessStartInfo Start(bool asPostgres, string file, string[] arguments)
    {
        var start = asPostgres ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", file, .. arguments]) : new ProcessStartInfo(file, arguments);
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        return start;
    }

    private static async Task RunAsync(string file, string[] arguments)
    {
        using var process = Process.Start(Start(false, file, arguments))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(file)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error}{await output}");
        }
    }
}
