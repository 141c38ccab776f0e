using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using VaasWeb.Processing;
using VaasWeb.Processing.Tasks;

namespace VaasWeb.Bench;

internal static class Tools
{
    /// <summary>Runs a command line tool to completion and returns how long it took; throws on failure.</summary>
    public static async Task<TimeSpan> RunAsync(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        clock.Stop();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)} failed: {await stderr}");
        }

        await stdout;
        return clock.Elapsed;
    }

    /// <summary>The first admin a benchmark's VaasWeb is started with, and signs in as.</summary>
    public const string AdminEmail = "bench@vaasweb.local";
    public const string AdminPassword = "benchmark password";

    /// <summary>A client signed in as that admin the way a browser is (the form, its token, the cookie).</summary>
    public static async Task<HttpClient> SignedInClientAsync(Uri address, TimeSpan? timeout = null)
    {
        var http = new HttpClient(new HttpClientHandler { CookieContainer = new System.Net.CookieContainer() })
        {
            BaseAddress = address,
            Timeout = timeout ?? TimeSpan.FromSeconds(100),
        };
        var form = await http.GetStringAsync("/account/login");
        var token = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var response = await http.PostAsync("/account/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["email"] = AdminEmail,
            ["password"] = AdminPassword,
        }));
        response.EnsureSuccessStatusCode();
        return http;
    }

    public static double Percentile(double[] sorted, double percent) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(percent / 100 * sorted.Length) - 1)];

    /// <summary>The one-minute load average: the machine is shared, and a number means little without it.</summary>
    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>VaasWeb's processing side as the app wires it, on its own data folder, reporting finished tasks.</summary>
    public static async Task<IHost> StartProcessingAsync(string dataDirectory)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:DataDirectory"] = dataDirectory });
        builder.Services.AddSingleton<IngestBenchmark.FinishedTasks>();
        builder.Services.AddSingleton<ITaskEventSink>(provider => provider.GetRequiredService<IngestBenchmark.FinishedTasks>());
        builder.Services.AddVaasProcessing(builder.Configuration);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>Debian's Chromium, headless, with the flags this machine needs (no sandbox, no background networking).</summary>
    public static Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new()
    {
        ExecutablePath = "/usr/bin/chromium",
        Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
}
