using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace VaasWeb.Tests.E2E.Support;

/// <summary>What a command printed and how it ended.</summary>
public sealed record CommandResult(int ExitCode, string Output, string Errors)
{
    /// <summary>The last line of stdout: where each admin command prints its result.</summary>
    public string LastLine => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";

    public override string ToString() => $"exit {ExitCode}; stdout: {Output}; stderr: {Errors}";
}

/// <summary>
/// The app as its own process (<c>dotnet VaasWeb.dll</c>, what run.sh starts), so a test can kill it as a crash
/// does, and run its admin commands as an operator would.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private AppProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>The app's process id: its children (ffmpeg and the other tools) have it as their parent.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Starts the app on a free port with <paramref name="settings"/> and waits until it answers.</summary>
    public static async Task<AppProcess> StartAsync(string dataDirectory, IDictionary<string, string?>? settings = null)
    {
        var port = FreePort();
        var all = new Dictionary<string, string?>(Settings(dataDirectory)) { ["Urls"] = $"http://127.0.0.1:{port}" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var app = new AppProcess(Process.Start(Start(all.SelectMany(s => new[] { $"--{s.Key}", s.Value ?? "" })))!, new Uri($"http://127.0.0.1:{port}/"));
        app._process.OutputDataReceived += (_, e) => app.Record(e.Data);
        app._process.ErrorDataReceived += (_, e) => app.Record(e.Data);
        app._process.BeginOutputReadLine();
        app._process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                await http.GetAsync("/healthz");
                return app;
            }
            catch (HttpRequestException) when (!app._process.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
            catch (HttpRequestException e)
            {
                throw new InvalidOperationException($"The app did not start: {app.Log}", e);
            }
        }
    }

    /// <summary>Runs <c>admin …</c> against <paramref name="dataDirectory"/>, with the settings the tests' apps use.</summary>
    public static Task<CommandResult> AdminAsync(string dataDirectory, params string[] command) =>
        AdminAsync(dataDirectory, new Dictionary<string, string?>(), command);

    /// <summary>Runs <c>admin …</c> with <paramref name="settings"/> on top (another database, another node name).</summary>
    public static async Task<CommandResult> AdminAsync(string dataDirectory, IDictionary<string, string?> settings, params string[] command)
    {
        var all = new Dictionary<string, string?>(Settings(dataDirectory));
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return await RunToEndAsync(Start(["admin", .. command, .. all.SelectMany(s => new[] { $"--{s.Key}", s.Value ?? "" })]));
    }

    /// <summary>Whether this machine lets a process have a network namespace of its own (<c>unshare --net</c>: root can).</summary>
    public static readonly Lazy<bool> CanRunWithoutNetwork = new(() =>
    {
        try
        {
            using var probe = Process.Start(new ProcessStartInfo("unshare", ["--net", "true"]) { RedirectStandardError = true })!;
            probe.WaitForExit();
            return probe.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    });

    /// <summary>
    /// Runs <c>admin …</c> in a network namespace of its own (<c>unshare --net</c>): no interface but a loopback that is
    /// down, so anything that would download fails at once. Needs <see cref="CanRunWithoutNetwork"/>.
    /// </summary>
    public static async Task<CommandResult> AdminWithoutNetworkAsync(string dataDirectory, params string[] command)
    {
        var inner = Start(["admin", .. command, .. Settings(dataDirectory).SelectMany(s => new[] { $"--{s.Key}", s.Value ?? "" })]);
        var start = new ProcessStartInfo("unshare")
        {
            WorkingDirectory = inner.WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "--net", inner.FileName }.Concat(inner.ArgumentList))
        {
            start.ArgumentList.Add(argument);
        }

        return await RunToEndAsync(start);
    }

    private static async Task<CommandResult> RunToEndAsync(ProcessStartInfo start)
    {
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new CommandResult(process.ExitCode, await output, await errors);
    }

    /// <summary>
    /// Starts the app with <paramref name="settings"/> when it is expected to refuse (a wrong setting) and waits until
    /// it exits; killed and reported if it serves instead.
    /// </summary>
    public static async Task<CommandResult> RunRefusedAsync(string dataDirectory, IDictionary<string, string?> settings)
    {
        var all = new Dictionary<string, string?>(Settings(dataDirectory)) { ["Urls"] = $"http://127.0.0.1:{FreePort()}" };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        using var process = Process.Start(Start(all.SelectMany(s => new[] { $"--{s.Key}", s.Value ?? "" })))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"The app started instead of refusing: {await output}");
        }

        return new CommandResult(process.ExitCode, await output, await errors);
    }

    /// <summary>Everything the process printed so far.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public HttpClient CreateHttpClient(string apiKey)
    {
        var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Add(Processing.Accounts.ApiKeyService.HeaderName, apiKey);
        return http;
    }

    /// <summary>What a crash does: the process is gone at once, without stopping anything.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>What an operator's stop does (SIGTERM, as systemd sends): the app shuts down cleanly, then exits.</summary>
    public async Task StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(patience.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    /// <summary>The same data directory, node name and first admin as <see cref="VaasApp"/>.</summary>
    private static Dictionary<string, string?> Settings(string dataDirectory) => new()
    {
        ["Storage:DataDirectory"] = dataDirectory,
        ["Worker:Id"] = "e2e-node",
        ["Admin:Email"] = VaasApp.AdminEmail,
        ["Admin:Password"] = VaasApp.AdminPassword,
    };

    /// <summary>The app built next to the tests, run from there so that it reads its own appsettings.json.</summary>
    private static ProcessStartInfo Start(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "VaasWeb.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    private void Record(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
