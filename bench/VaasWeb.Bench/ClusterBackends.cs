using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace VaasWeb.Bench;

/// <summary>
/// What a cluster of VaasWeb nodes shares, for the benchmarks that run several: a throwaway PostgreSQL 15 and a
/// redis-server (Debian's packages, as scripts/cluster.sh uses), each on a free loopback port with its files in a
/// folder of their own (under /tmp, open to the postgres user), stopped and deleted on dispose. Each measurement gets a database of its own, so runs never see each other's rows.
/// </summary>
internal sealed class ClusterBackends : IAsyncDisposable
{
    private const string PgBin = "/usr/lib/postgresql/15/bin";

    private readonly string _folder;
    private readonly Process _redis;
    private int _databases;

    private ClusterBackends(string folder, int pgPort, Process redis, int redisPort)
    {
        _folder = folder;
        PgPort = pgPort;
        _redis = redis;
        RedisPort = redisPort;
    }

    public int PgPort { get; }

    public int RedisPort { get; }

    public string Redis => $"127.0.0.1:{RedisPort}";

    private string PgData => Path.Combine(_folder, "pg");

    private static bool AsRoot => Environment.UserName == "root";

    public static async Task<ClusterBackends> StartAsync()
    {
        // Not CreateTempSubdirectory: its folder is the caller's alone, and PostgreSQL runs as another user.
        var folder = Path.Combine(Path.GetTempPath(), $"vaasweb-bench-cluster-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var pgData = Path.Combine(folder, "pg");
        Directory.CreateDirectory(pgData);
        if (AsRoot)
        {
            // PostgreSQL refuses to run as root: its files belong to the postgres user, which runs it.
            await Tools.RunAsync("chown", "postgres:postgres", folder, pgData);
        }

        await RunPgAsync("initdb", "-D", pgData, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync");
        var pgPort = FreePort();
        // Durable enough for a benchmark, and what a tuned server would do: no fsync wait on each commit.
        await RunPgAsync("pg_ctl", "-D", pgData, "-l", Path.Combine(pgData, "server.log"), "-w", "-t", "60",
            "-o", $"-p {pgPort} -k {pgData} -c listen_addresses=127.0.0.1 -c max_connections=300 -c synchronous_commit=off", "start");

        var redisPort = FreePort();
        var redisFolder = Path.Combine(folder, "redis");
        Directory.CreateDirectory(redisFolder);
        var start = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["--port", $"{redisPort}", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", redisFolder])
        {
            start.ArgumentList.Add(argument);
        }

        var redis = Process.Start(start)!;
        redis.OutputDataReceived += (_, _) => { };
        redis.BeginOutputReadLine();
        for (var i = 0; ; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, redisPort);
                break;
            }
            catch (SocketException) when (i < 100)
            {
                await Task.Delay(100);
            }
        }

        Console.WriteLine($"cluster backends: PostgreSQL 15 on 127.0.0.1:{pgPort}, Redis on {redisPort}");
        return new ClusterBackends(folder, pgPort, redis, redisPort);
    }

    /// <summary>A new, empty database (the first node to start migrates it); its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"vaas_{Interlocked.Increment(ref _databases)}";
        await RunPgAsync("createdb", "-h", "127.0.0.1", "-p", $"{PgPort}", "-U", "postgres", name);
        return $"Host=127.0.0.1;Port={PgPort};Username=postgres;Database={name};Maximum Pool Size=100";
    }

    /// <summary>The settings that make a node part of the cluster on <paramref name="database"/>, as scripts/cluster.sh passes them.</summary>
    public string[] NodeArguments(string node, string database, string mediaRoot) =>
    [
        "--Worker:Id", node, "--Storage:MediaRoot", mediaRoot, "--Database:Provider", "Postgres",
        "--ConnectionStrings:Vaas", database, "--ConnectionStrings:Redis", Redis,
    ];

    /// <summary>The same settings as configuration keys, for a node hosted in this process.</summary>
    public Dictionary<string, string?> NodeSettings(string node, string database, string mediaRoot) => new()
    {
        ["Worker:Id"] = node,
        ["Storage:MediaRoot"] = mediaRoot,
        ["Database:Provider"] = "Postgres",
        ["ConnectionStrings:Vaas"] = database,
        ["ConnectionStrings:Redis"] = Redis,
    };

    /// <summary>One SQL statement through psql; its output.</summary>
    public async Task<string> QueryAsync(string database, string sql)
    {
        var name = database.Split(';').First(p => p.StartsWith("Database=", StringComparison.Ordinal))["Database=".Length..];
        var start = Start("psql", "-h", "127.0.0.1", "-p", $"{PgPort}", "-U", "postgres", "-d", name, "-tA", "-F", " ", "-c", sql);
        start.RedirectStandardOutput = true;
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output.Trim();
    }

    private static Task<TimeSpan> RunPgAsync(string tool, params string[] args)
    {
        var start = Start(tool, args);
        return Tools.RunAsync(start.FileName, [.. start.ArgumentList]);
    }

    private static ProcessStartInfo Start(string tool, params string[] args)
    {
        var start = AsRoot ? new ProcessStartInfo("runuser") : new ProcessStartInfo(Path.Combine(PgBin, tool));
        if (AsRoot)
        {
            foreach (var argument in (string[])["-u", "postgres", "--", Path.Combine(PgBin, tool)])
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunPgAsync("pg_ctl", "-D", PgData, "-m", "immediate", "stop");
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine($"stopping PostgreSQL: {e.Message}");
        }

        if (!_redis.HasExited)
        {
            _redis.Kill();
            await _redis.WaitForExitAsync();
        }

        _redis.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
