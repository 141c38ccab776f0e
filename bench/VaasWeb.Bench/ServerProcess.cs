using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace VaasWeb.Bench;

/// <summary>A server in a process of its own, so its memory is measured apart from the client's.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public int Pid => _process.Id;

    public static async Task<ServerProcess> StartAsync(string workingDirectory, string healthPath, params string[] args)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg.Replace("{port}", port.ToString()));
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) Console.Error.WriteLine($"  [server] {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var address = new Uri($"http://127.0.0.1:{port}/");
        using var http = new HttpClient { BaseAddress = address };
        for (var i = 0; ; i++)
        {
            try
            {
                if ((await http.GetAsync(healthPath)).IsSuccessStatusCode)
                {
                    return new ServerProcess(process, address);
                }
            }
            catch (HttpRequestException) when (i < 300)
            {
            }

            if (process.HasExited || i >= 300)
            {
                throw new InvalidOperationException($"The server ({string.Join(' ', args)}) did not start.");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Resident memory now, in bytes.</summary>
    public long ResidentBytes() => ReadStatus("VmRSS:");

    private long ReadStatus(string field)
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line[field.Length..].Trim().Split(' ')[0]) * 1024;
    }

    /// <summary>Samples the resident memory every 10 ms while <paramref name="work"/> runs; returns the highest.</summary>
    public async Task<(T Result, long PeakBytes)> MeasurePeakAsync<T>(Func<Task<T>> work)
    {
        var peak = ResidentBytes();
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, ResidentBytes());
                await Task.Delay(10);
            }
        });
        var result = await work();
        await stop.CancelAsync();
        await sampler;
        peak = Math.Max(peak, ResidentBytes());
        return (result, peak);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
