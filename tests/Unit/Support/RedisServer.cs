using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using StackExchange.Redis;

namespace VaasWeb.Tests.Unit.Support;

/// <summary>
/// A throwaway Debian <c>redis-server</c> on a free loopback port, keeping nothing on disk, in a folder of its own.
/// It stops on dispose and also when the test host is killed: a watchdog in a session of its own waits for the test
/// process to vanish, then kills the server and deletes its folder. As an xunit fixture it starts with the class.
/// </summary>
public sealed class RedisServer : IAsyncLifetime, IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    private readonly TempDirectory _folder = new("vaas-redis");
    private Process? _server;

    public RedisServer()
        : this(password: null)
    {
    }

    /// <param name="password">Set as <c>requirepass</c>, to prove a password works and is never shown.</param>
    private RedisServer(string? password)
    {
        Password = password;
        Port = FreePort();
    }

    /// <summary>Chosen at construction and kept across restarts, so clients can wait for the server to come (back).</summary>
    public int Port { get; }

    public string? Password { get; }

    /// <summary>What <c>ConnectionStrings:Redis</c> is set to.</summary>
    public string ConnectionString => Password is null ? $"127.0.0.1:{Port}" : $"127.0.0.1:{Port},password={Password}";

    /// <summary>A server not started yet (Redis away while a node starts); <see cref="StartAsync"/> it later.</summary>
    public static RedisServer NotStarted(string? password = null) => new(password);

    /// <summary>A new server, answering.</summary>
    public static async Task<RedisServer> StartedAsync(string? password = null)
    {
        var server = new RedisServer(password);
        await server.StartAsync();
        return server;
    }

    /// <summary>Starts the server (again) on <see cref="Port"/> and waits until it answers.</summary>
    public async Task StartAsync()
    {
        if (_server is { HasExited: false })
        {
            return;
        }

        var start = new ProcessStartInfo("redis-server") { WorkingDirectory = _folder.Path };
        foreach (var argument in (string[])["--port", $"{Port}", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _folder.Path, "--daemonize", "no", "--logfile", LogFile])
        {
            start.ArgumentList.Add(argument);
        }

        if (Password is not null)
        {
            start.ArgumentList.Add("--requirepass");
            start.ArgumentList.Add(Password);
        }

        try
        {
            _server = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("redis-server is not installed: apt-get install redis-server (./test.sh installs it).", e);
        }

        StartWatchdog(_server.Id);
        await WaitUntilAnsweringAsync();
    }

    /// <summary>What an outage does: the server is gone at once, its clients' connections broken.</summary>
    public async Task StopAsync()
    {
        if (_server is null)
        {
            return;
        }

        if (!_server.HasExited)
        {
            _server.Kill();
        }

        await _server.WaitForExitAsync();
        _server.Dispose();
        _server = null;
    }

    /// <summary>How many clients subscribe to <paramref name="channel"/> right now (<c>PUBSUB NUMSUB</c>).</summary>
    public async Task<long> SubscribersAsync(string channel)
    {
        await using var client = await ConnectionMultiplexer.ConnectAsync(ConnectionString);
        var reply = (RedisResult[])(await client.GetServer(client.GetEndPoints()[0]).ExecuteAsync("PUBSUB", "NUMSUB", channel))!;
        return (long)reply[1];
    }

    /// <summary>The channels someone subscribes to whose names match <paramref name="pattern"/> (<c>PUBSUB CHANNELS</c>).</summary>
    public async Task<string[]> ChannelsAsync(string pattern)
    {
        await using var client = await ConnectionMultiplexer.ConnectAsync(ConnectionString);
        var reply = (RedisResult[])(await client.GetServer(client.GetEndPoints()[0]).ExecuteAsync("PUBSUB", "CHANNELS", pattern))!;
        return reply.Select(r => (string)r!).Order().ToArray();
    }

    /// <summary>Waits until <paramref name="count"/> clients listen on <paramref name="channel"/>: until then a message reaches fewer.</summary>
    public async Task WaitForSubscribersAsync(string channel, long count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        long now;
        while ((now = await SubscribersAsync(channel)) != count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Expected {count} subscriber(s) on {channel}, but there are {now}.");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _folder.Dispose();
    }

    Task IAsyncLifetime.InitializeAsync() => StartAsync();

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    private string LogFile => Path.Combine(_folder.Path, "redis.log");

    /// <summary>
    /// setsid puts the watchdog outside the test host's process group and session, so whatever kills the host (a
    /// timeout, Ctrl+C, kill -9) does not take the watchdog with it; it ends by itself once the server is gone.
    /// </summary>
    private void StartWatchdog(int serverPid)
    {
        const string script = """
            while kill -0 "$1" 2>/dev/null; do
              kill -0 "$2" 2>/dev/null || exit 0
              sleep 1
            done
            kill -9 "$2" 2>/dev/null
            rm -rf "$3"
            """;
        var watchdog = new ProcessStartInfo("setsid");
        foreach (var argument in (string[])["sh", "-c", script, "redis-watchdog", $"{Environment.ProcessId}", $"{serverPid}", _folder.Path])
        {
            watchdog.ArgumentList.Add(argument);
        }

        Process.Start(watchdog)!.Dispose();
    }

    private async Task WaitUntilAnsweringAsync()
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            if (_server!.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with {_server.ExitCode}: {ReadLog()}");
            }

            try
            {
                using var socket = new TcpClient();
                await socket.ConnectAsync(IPAddress.Loopback, Port);
                var stream = socket.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray());
                var reply = new byte[64];
                // +PONG, or -NOAUTH with a password: either way the server is serving.
                if (await stream.ReadAsync(reply) > 0)
                {
                    return;
                }
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"redis-server did not answer on port {Port} within {StartTimeout.TotalSeconds} s: {ReadLog()}");
            }

            await Task.Delay(20);
        }
    }

    private string ReadLog() => File.Exists(LogFile) ? File.ReadAllText(LogFile, Encoding.UTF8) : "(no log)";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
