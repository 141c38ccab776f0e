using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using VaasWeb.Processing.Tasks;
using VaasWeb.Realtime;

namespace VaasWeb.Bench;

/// <summary>
/// Board pushes across nodes: a cluster of two (PostgreSQL + Redis), node A the app in a process of its own with the
/// viewers (SignalR clients on /hubs/tasks, 100 by default) connected to it, node B VaasWeb's host in this process,
/// where the task events happen: raised through the same <see cref="ITaskEventSink"/> the jobs use, so they travel
/// as a job's do (B's notifier, the Redis backplane, A's hub connections). Every viewer timestamps each event on
/// arrival; the numbers are from the event's creation on B to its receipt, p50/p95/max, beside a few viewers on B
/// itself for reference. Options: --viewers 100 --local-viewers 10 --rate 100 (events a second) --seconds 10.
/// </summary>
internal static class PushBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var viewers = (int)Option(args, "--viewers", 100);
        var localViewers = (int)Option(args, "--local-viewers", 10);
        var perSecond = (int)Option(args, "--rate", 100);
        var seconds = (int)Option(args, "--seconds", 10);
        var total = perSecond * seconds;
        var work = Directory.CreateTempSubdirectory("vaasweb-push-bench-").FullName;
        try
        {
            await using var cluster = await ClusterBackends.StartAsync();
            var database = await cluster.CreateDatabaseAsync();
            var media = Path.Combine(work, "media");
            // A first: it migrates the database and makes the admin; the board is open to anonymous viewers on both.
            await using var nodeA = await ServerProcess.StartAsync(Path.Combine(Repository.Root, "src", "VaasWeb", "bin", "Release", "net10.0"), "/healthz",
                ["VaasWeb.dll", "--urls", "http://127.0.0.1:{port}", "--Storage:DataDirectory", Path.Combine(work, "node-a"), "--Logging:LogLevel:Default", "Warning",
                 "--Board:AllowAnonymousViewers", "true", "--Admin:Email", Tools.AdminEmail, "--Admin:Password", Tools.AdminPassword,
                 .. cluster.NodeArguments("node-a", database, media)]);
            await using var nodeB = await EventsBenchmark.StartHostAsync(Path.Combine(work, "node-b"), cluster.NodeSettings("node-b", database, media));
            var addressB = new Uri(nodeB.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

            var raisedAt = new long[total + 1];
            var remote = new List<long[]>();
            var local = new List<long[]>();
            var connections = new List<HubConnection>();
            for (var c = 0; c < viewers + localViewers; c++)
            {
                var onA = c < viewers;
                var arrivals = Enumerable.Repeat(-1L, total + 1).ToArray();
                (onA ? remote : local).Add(arrivals);
                var connection = new HubConnectionBuilder()
                    .WithUrl(new Uri(onA ? nodeA.Address : addressB, TaskHub.Path))
                    .AddJsonProtocol(o => HostingExtensions.ConfigureWireFormat(o.PayloadSerializerOptions))
                    .Build();
                connection.On<JsonElement>(nameof(ITaskHubClient.TasksChanged), tasks =>
                {
                    var now = Stopwatch.GetTimestamp();
                    foreach (var task in tasks.EnumerateArray())
                    {
                        var version = task.GetProperty("version").GetInt64();
                        if (version >= 0 && version <= total)
                        {
                            arrivals[version] = now - raisedAt[version];
                        }
                    }
                });
                await connection.StartAsync();
                connections.Add(connection);
            }

            var sink = nodeB.Services.GetRequiredService<ITaskEventSink>();
            var taskIds = Enumerable.Range(0, 100).Select(_ => Guid.NewGuid()).ToArray();
            var now = DateTimeOffset.UtcNow;
            TaskSnapshot Snapshot(int version) => new(taskIds[version % taskIds.Length], TaskKind.Ingestion, TaskState.InProgress, "frames", null,
                version % 100, 1, null, "bench.mp4", null, null, null, now, now, null, now, false, version);

            // Version 0 until every viewer has one: the backplane's subscriptions are in place and the JIT is warm.
            var warm = Stopwatch.StartNew();
            while (remote.Concat(local).Any(a => a[0] < 0) && warm.Elapsed < TimeSpan.FromSeconds(30))
            {
                raisedAt[0] = Stopwatch.GetTimestamp();
                await sink.PublishAsync(Snapshot(0));
                await Task.Delay(200);
            }

            Console.WriteLine($"{viewers} viewers on node A (pid {nodeA.Pid}), {localViewers} on node B (this process), all receiving after {warm.Elapsed.TotalSeconds:0.0} s; "
                              + $"node B raises {perSecond} task events a second for {seconds} s...");
            using (var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10)))
            {
                var clock = Stopwatch.StartNew();
                var sent = 0;
                while (sent < total && await timer.WaitForNextTickAsync())
                {
                    var due = Math.Min(total, (int)(clock.Elapsed.TotalSeconds * perSecond));
                    for (; sent < due; sent++)
                    {
                        raisedAt[sent + 1] = Stopwatch.GetTimestamp();
                        await sink.PublishAsync(Snapshot(sent + 1));
                    }
                }
            }

            var deadline = Stopwatch.StartNew();
            while (remote.Concat(local).Any(r => r[^1] < 0) && deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(50);
            }

            Console.WriteLine();
            Console.WriteLine($"=== push across nodes: {total} events raised on node B, {perSecond}/s ===");
            Report($"node A, {viewers} viewers (across nodes)", remote, total);
            Report($"node B, {localViewers} viewers (same node)", local, total);
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }

            await nodeB.StopAsync();
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static void Report(string label, List<long[]> viewers, int total)
    {
        if (viewers.Count == 0)
        {
            return;
        }

        var delays = viewers.SelectMany(v => v.Skip(1)).Where(d => d >= 0).Select(d => d * 1000.0 / Stopwatch.Frequency).Order().ToArray();
        var expected = (long)viewers.Count * total;
        Console.WriteLine($"{label}: {delays.Length:N0} of {expected:N0} delivered ({expected - delays.Length:N0} lost); creation -> receipt p50 {Tools.Percentile(delays, 50):0.0} ms, "
                          + $"p95 {Tools.Percentile(delays, 95):0.0} ms, max {delays.DefaultIfEmpty(double.NaN).Last():0.0} ms");
    }

    private static double Option(string[] args, string name, double fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? double.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
