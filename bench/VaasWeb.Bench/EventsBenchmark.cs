using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VaasWeb.Processing.Tasks;
using VaasWeb.Realtime;

namespace VaasWeb.Bench;

/// <summary>
/// The real host (Program's wiring) with 100 SignalR clients on /hubs/tasks; task events are raised through
/// the same <see cref="ITaskEventSink"/> the jobs use, 1,000 a second, and every client timestamps each one on
/// arrival. Prints p50/p95/p99 of raise → receive and how many were lost (goals: p95 ≤ 100 ms, none lost).
/// The clients run in this process, on the same two cores as the server, so by default each one only reads
/// the JSON it received (the event's version); "typed" makes every client deserialize every snapshot into
/// .NET records as well, which measures 100 clients' CPU more than the server.
/// </summary>
internal static class EventsBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var clients = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100;
        var perSecond = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000;
        var seconds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10;
        var typed = args.Contains("typed");
        var total = perSecond * seconds;
        var work = Directory.CreateTempSubdirectory("vaasweb-events-bench-").FullName;
        try
        {
            await using var app = await StartHostAsync(work);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var raisedAt = new long[total];
            var received = new long[clients][];
            var connections = new List<HubConnection>();
            for (var c = 0; c < clients; c++)
            {
                var arrivals = received[c] = Enumerable.Repeat(-1L, total).ToArray();
                var connection = new HubConnectionBuilder()
                    .WithUrl(new Uri(new Uri(address), TaskHub.Path))
                    .AddJsonProtocol(o => HostingExtensions.ConfigureWireFormat(o.PayloadSerializerOptions))
                    .Build();
                if (typed)
                {
                    connection.On<TaskSnapshot[]>(nameof(ITaskHubClient.TasksChanged), tasks =>
                    {
                        var now = Stopwatch.GetTimestamp();
                        foreach (var task in tasks)
                        {
                            arrivals[task.Version] = now - raisedAt[task.Version];
                        }
                    });
                }
                else
                {
                    connection.On<JsonElement>(nameof(ITaskHubClient.TasksChanged), tasks =>
                    {
                        var now = Stopwatch.GetTimestamp();
                        foreach (var task in tasks.EnumerateArray())
                        {
                            var version = task.GetProperty("version").GetInt64();
                            arrivals[version] = now - raisedAt[version];
                        }
                    });
                }

                await connection.StartAsync();
                connections.Add(connection);
            }

            Console.WriteLine($"{clients} clients connected ({(typed ? "typed records" : "JSON")}); raising {perSecond} events/s for {seconds} s...");
            var sink = app.Services.GetRequiredService<ITaskEventSink>();
            var taskIds = Enumerable.Range(0, 100).Select(_ => Guid.NewGuid()).ToArray();
            var now = DateTimeOffset.UtcNow;
            using (var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10)))
            {
                var clock = Stopwatch.StartNew();
                var sent = 0;
                while (sent < total && await timer.WaitForNextTickAsync())
                {
                    // Catch up to where the schedule says we should be, in case a tick came late.
                    var due = Math.Min(total, (int)(clock.Elapsed.TotalSeconds * perSecond));
                    for (; sent < due; sent++)
                    {
                        var snapshot = new TaskSnapshot(taskIds[sent % taskIds.Length], TaskKind.Ingestion, TaskState.InProgress, "frames", null,
                            sent % 100, 1, null, "bench.mp4", null, null, null, now, now, null, now, false, sent);
                        raisedAt[sent] = Stopwatch.GetTimestamp();
                        await sink.PublishAsync(snapshot);
                    }
                }
            }

            // Let the last events arrive (or not) before counting.
            var deadline = Stopwatch.StartNew();
            while (received.Any(r => r[^1] < 0) && deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(50);
            }

            var delivered = received.Sum(r => r.Count(d => d >= 0));
            var lost = (long)clients * total - delivered;
            Console.WriteLine($"deliveries: {delivered:N0} of {(long)clients * total:N0} ({lost:N0} lost)");
            Report("all events", received.SelectMany(r => r));
            // The first second also measures the JIT and the connections warming up.
            Report("after the first second", received.SelectMany(r => r.Skip(perSecond)));
            Console.WriteLine("goals: p95 <= 100 ms, nothing lost");
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>VaasWeb's own host (Program's wiring) on a free port, data in <paramref name="work"/>.</summary>
    internal static async Task<WebApplication> StartHostAsync(string work, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(HostingExtensions).Assembly.GetName().Name,
            ContentRootPath = Path.Combine(Repository.Root, "src", "VaasWeb"),
            EnvironmentName = "Production",
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration["Storage:DataDirectory"] = work;
        // Wall-screen mode: what these benchmarks measure is watching, which then needs no account.
        builder.Configuration["Board:AllowAnonymousViewers"] = "true";
        builder.Configuration["Admin:Email"] = Tools.AdminEmail;
        builder.Configuration["Admin:Password"] = Tools.AdminPassword;
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.Configuration[key] = value;
        }

        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddVaasWeb();
        var app = builder.Build();
        app.UseVaasWeb();
        app.MapVaasWeb();
        await app.StartAsync();
        return app;
    }

    private static void Report(string label, IEnumerable<long> ticks)
    {
        var delays = ticks.Where(d => d >= 0).Select(d => d * 1000.0 / Stopwatch.Frequency).Order().ToArray();
        Console.WriteLine($"raise -> receive, {label}: p50 {Percentile(delays, 50):0.0} ms, p95 {Percentile(delays, 95):0.0} ms, p99 {Percentile(delays, 99):0.0} ms, max {delays[^1]:0.0} ms");
    }

    private static double Percentile(double[] sorted, double percent) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(percent / 100 * sorted.Length) - 1)];
}
