using System.Net;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace VaasWeb.Realtime;

/// <summary><c>ConnectionStrings:Redis</c>, bound only when it is set.</summary>
public sealed class RedisSettings
{
    public const string Setting = "ConnectionStrings:Redis";

    public string? ConnectionString { get; set; }

    /// <summary>True when the operator set a Redis connection string: the node then shares its live events.</summary>
    public static bool IsConfigured(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration.GetConnectionString("Redis"));

    /// <summary>
    /// The parsed string, set to keep retrying instead of refusing to start, so a node starts (and reconnects on its
    /// own) while Redis is briefly away.
    /// </summary>
    public static ConfigurationOptions Parse(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.SetDefaultPorts();
        return options;
    }
}

/// <summary>
/// Checks <c>ConnectionStrings:Redis</c> at start. The sentence never repeats the string or a value from it: it may
/// hold a password (StackExchange.Redis's own messages quote the value, so they are not passed on).
/// </summary>
internal sealed class RedisSettingsValidator : IValidateOptions<RedisSettings>
{
    private const string Example = "such as 127.0.0.1:6379,password=…";

    public ValidateOptionsResult Validate(string? name, RedisSettings settings)
    {
        string? problem;
        try
        {
            problem = RedisSettings.Parse(settings.ConnectionString ?? "").EndPoints.Count == 0 ? "names no server" : null;
        }
        catch (ArgumentOutOfRangeException e)
        {
            problem = $"has a value for '{e.ParamName}' that is not valid";
        }
        catch (ArgumentException)
        {
            problem = "holds an option StackExchange.Redis does not know";
        }

        return problem is null
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{RedisSettings.Setting} must be a StackExchange.Redis configuration string ({Example}), but it {problem} (the value is not shown: it may hold a password).");
    }
}

/// <summary>
/// This node's connection to Redis for task events and <c>/healthz</c> (SignalR's backplane keeps a connection of
/// its own). Connecting starts on first use and never fails: while Redis is away the connection keeps retrying.
/// </summary>
public sealed class RedisConnection : IAsyncDisposable
{
    private readonly ConfigurationOptions _options;
    private readonly Lazy<Task<ConnectionMultiplexer>> _connection;

    public RedisConnection(IOptions<RedisSettings> settings)
    {
        _options = RedisSettings.Parse(settings.Value.ConnectionString!);
        _connection = new Lazy<Task<ConnectionMultiplexer>>(() => ConnectionMultiplexer.ConnectAsync(_options.Clone()));
    }

    /// <summary>Where Redis is, for logs and <c>/healthz</c>: host and port only, never the password.</summary>
    public string Endpoints => string.Join(", ", _options.EndPoints.Select(Format));

    /// <summary>The operator's options for SignalR's own connection: the same server, channels under <paramref name="channelPrefix"/>.</summary>
    public ConfigurationOptions ForBackplane(string channelPrefix)
    {
        var options = _options.Clone();
        options.ChannelPrefix = RedisChannel.Literal(channelPrefix);
        // SignalR's manager keeps the first connection it gets and subscribes once: handed one that is still waiting
        // for Redis, its subscriptions fail and are never made again, so its clients would hear nothing. Failing the
        // connect instead makes it try again at the next send or client; once made, the connection reconnects by itself.
        options.AbortOnConnectFail = true;
        return options;
    }

    /// <summary>The connection, connected or still retrying (a disconnected multiplexer reconnects by itself).</summary>
    public Task<ConnectionMultiplexer> GetAsync() => _connection.Value;

    /// <summary><paramref name="text"/> (an error from the client) with the password cut out, should it ever appear.</summary>
    public string WithoutSecrets(string text) =>
        string.IsNullOrEmpty(_options.Password) ? text : text.Replace(_options.Password, "…", StringComparison.Ordinal);

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated)
        {
            await (await _connection.Value).DisposeAsync();
        }
    }

    private static string Format(EndPoint endPoint) => endPoint switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        IPEndPoint ip => ip.ToString(),
        _ => endPoint.ToString() ?? "",
    };
}
