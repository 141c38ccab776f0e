using global::MiniMax.Emulator;
using Microsoft.AspNetCore.Builder;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Cluster;

/// <summary>
/// Two VaasWeb processes (<c>dotnet VaasWeb.dll</c>, as cluster.sh starts them) on one new, empty PostgreSQL database
/// (both migrate it at once), one Redis and one shared media root, each with its own data folder and one job at a
/// time; the MiniMax emulator as their MiniMax. A node can be killed and started again under its name.
/// </summary>
public sealed class TwoNodeCluster : IAsyncLifetime
{
    public const string A = "node-a";
    public const string B = "node-b";

    /// <summary>The poll interval of every node: the shortest MiniMax's guidance allows.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);

    private readonly TempDirectory _temp = new();
    private readonly Dictionary<string, AppProcess> _nodes = [];
    private RedisServer _redis = null!;
    private string _database = null!;

    public WebApplication Emulator { get; private set; } = null!;

    /// <summary>A key of the first admin, made on node A.</summary>
    public string AdminApiKey { get; private set; } = null!;

    public string MediaRoot => _temp.Combine("media");

    public AppProcess this[string node] => _nodes[node];

    public static string Other(string node) => node == A ? B : A;

    public async Task InitializeAsync()
    {
        Emulator = await EmulatorApp.StartAsync("--Emulator:PreparingSeconds=1", "--Emulator:QueueingSeconds=1", "--Emulator:ProcessingSeconds=12",
            "--Emulator:RenderWidth=160", $"--Emulator:DataDirectory={_temp.Combine("emulator")}");
        _redis = await RedisServer.StartedAsync();
        _database = await (await PostgresServer.GetAsync()).CreateEmptyDatabaseAsync();
        var (a, b) = (StartAsync(A), StartAsync(B));
        await Task.WhenAll(a, b);
        var key = await AppProcess.AdminAsync(DataOf(A), Common(A), "create-key", "--user", VaasApp.AdminEmail, "--name", "cluster");
        AdminApiKey = key.ExitCode == 0 ? key.LastLine : throw new InvalidOperationException($"No API key: {key}");
    }

    public HttpClient Api(string node) => _nodes[node].CreateHttpClient(AdminApiKey);

    /// <summary>A crash: the node and its tools are gone at once.</summary>
    public Task KillAsync(string node) => _nodes[node].KillAsync();

    /// <summary>An operator's stop: the node hands its work back and exits.</summary>
    public Task StopAsync(string node) => _nodes[node].StopAsync();

    /// <summary>The settings a node named <paramref name="node"/> starts with, in <paramref name="dataDirectory"/> unless its own.</summary>
    public Dictionary<string, string?> Settings(string node, string? dataDirectory = null)
    {
        var settings = Common(node);
        settings["Storage:DataDirectory"] = dataDirectory ?? DataOf(node);
        return settings;
    }

    /// <summary>Starts <paramref name="node"/> again under its name, as an operator would after a crash.</summary>
    public async Task RestartAsync(string node)
    {
        await _nodes[node].DisposeAsync();
        await StartAsync(node);
    }

    /// <summary>Everything both nodes printed, for the message of a failed check.</summary>
    public string Logs => string.Join("\n", _nodes.Select(n => $"===== {n.Key} =====\n{n.Value.Log}"));

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes.Values)
        {
            await node.DisposeAsync();
        }

        await Emulator.DisposeAsync();
        await _redis.DisposeAsync();
        _temp.Dispose();
    }

    private async Task StartAsync(string node)
    {
        var started = await AppProcess.StartAsync(DataOf(node), Common(node));
        lock (_nodes)
        {
            _nodes[node] = started;
        }
    }

    private string DataOf(string node) => _temp.Combine(node);

    private Dictionary<string, string?> Common(string node) => new()
    {
        ["Worker:Id"] = node,
        ["Storage:MediaRoot"] = MediaRoot,
        ["Database:Provider"] = "Postgres",
        ["ConnectionStrings:Vaas"] = _database,
        ["ConnectionStrings:Redis"] = _redis.ConnectionString,
        ["Ingestion:MaxConcurrentJobs"] = "1",
        ["MiniMax:BaseUrl"] = EmulatorApp.AddressOf(Emulator).ToString(),
        ["MiniMax:ApiKey"] = "emulator-key",
        ["MiniMax:PollIntervalSeconds"] = PollInterval.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["MiniMax:IngestResults"] = "false",
    };
}
