using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using MiniMax.Emulator;
using MiniMax.Emulator.Faults;
using MiniMax.Emulator.Requests;

namespace VaasWeb.Bench;

/// <summary>
/// The real app (its own process) with many generations in flight against the MiniMax emulator (this process).
/// Creates them over REST, waits until MiniMax has accepted them all, then watches for a window: how often each
/// task is polled and the gaps between its polls (goal: once per interval, never sooner), and the app's CPU and
/// resident memory. Also the most submits seen in any 60 s against SubmitPerMinute, and a second short run
/// at 5 a minute where that limit actually binds.
/// Options: --count 1000 --interval 10 --window 60 --submit-per-minute 2000 --rate-check-count 12 (0 skips it);
/// --compare DIR runs a baseline build (its bin folder, e.g. a copy made before a change) and this one in turn
/// against the same emulator, --repeat N times, and prints their CPU side by side with the load average of each run;
/// --nodes 2 runs each build as a cluster instead (PostgreSQL + Redis, two app processes, the generations created half
/// on each node), and reports each node's CPU, how many generations each polled, and the gaps over both; --warm adds a
/// second window right after the first, on a warm process with no status changes.
/// </summary>
internal static class GenerationsBenchmark
{
    private const string ApiKey = "emulator-key";
    private const double PreparingSeconds = 60;
    private const double QueueingSeconds = 120;

    // Nothing finishes during a run, however slow the submits, so the window holds polls only: no renders, no downloads.
    private const double ProcessingSeconds = 3600;

    // What MiniMax's free plans allow, and the app's default.
    private const int RateCheckPerMinute = 5;
    private static readonly TimeSpan RateCheckWatch = TimeSpan.FromSeconds(70);
    private static readonly TimeSpan RateWindow = TimeSpan.FromMinutes(1);

    public static async Task RunAsync(string[] args)
    {
        var count = (int)Option(args, "--count", 1000);
        var interval = Option(args, "--interval", 10);
        var window = TimeSpan.FromSeconds(Option(args, "--window", 60));
        var submitPerMinute = (int)Option(args, "--submit-per-minute", 2000);
        var rateCheckCount = (int)Option(args, "--rate-check-count", 12);
        var nodes = (int)Option(args, "--nodes", 1);
        var warmWindow = args.Contains("--warm");
        var work = Directory.CreateTempSubdirectory("vaasweb-generations-bench-").FullName;
        await using var cluster = nodes > 1 ? await ClusterBackends.StartAsync() : null;
        var emulator = await EmulatorApp.StartAsync($"--Emulator:DataDirectory={Path.Combine(work, "emulator")}",
            $"--Emulator:PreparingSeconds={PreparingSeconds}", $"--Emulator:QueueingSeconds={QueueingSeconds}",
            $"--Emulator:ProcessingSeconds={ProcessingSeconds}", "--Logging:LogLevel:Default=Warning");
        try
        {
            var log = emulator.Services.GetRequiredService<RequestLog>();
            var baseline = StringOption(args, "--compare");
            var runs = new List<(string Build, int Round, PollingResult Result)>();
            var rounds = baseline is null ? 1 : (int)Option(args, "--repeat", 1);
            for (var round = 1; round <= rounds; round++)
            {
                // Alternating, so a neighbour's load falls on both builds alike.
                foreach (var (name, bin) in baseline is null ? [("this", ThisBuild)] : new[] { ("baseline", baseline), ("change", ThisBuild) })
                {
                    if (baseline is not null)
                    {
                        Console.WriteLine($"--- {name} ({bin}), round {round} ---");
                    }

                    var result = await MeasurePollingAsync(emulator, log, bin, Path.Combine(work, $"vaas-{name}-{round}"), count, interval, window, submitPerMinute, cluster, nodes, warmWindow);
                    runs.Add((name, round, result));
                }
            }

            if (baseline is not null)
            {
                Console.WriteLine();
                Console.WriteLine($"=== side by side ({nodes} node{(nodes > 1 ? "s" : "")}): app CPU with the generations in flight (idle before them), gaps, load average (1 min) at the window's end ===");
                foreach (var (build, round, r) in runs)
                {
                    var perNode = nodes > 1 ? $" [{string.Join(", ", r.Nodes.Select(n => $"{n.Name} {n.Cpu:P1} ({n.Polled} polled)"))}]" : "";
                    Console.WriteLine($"{build,-9} round {round}: CPU {r.Cpu:P1} of one core{(nodes > 1 ? " per node on average" : "")} (idle {r.Idle:P1}){perNode}; "
                                      + $"gap min {r.MinGap:0.00} s, p99 {r.P99Gap:0.00} s, {r.TooClose} closer than {interval - 0.5} s; "
                                      + $"{r.PollsPerTaskPerInterval:0.00} polls per task per interval{(r.Warm is { } w ? $"; warm window {w:P1}" : "")}; load {r.Load}");
                }
            }

            if (rateCheckCount > 0)
            {
                await CheckSubmitLimitAsync(emulator, log, Path.Combine(work, "vaas-rate"), rateCheckCount, interval);
            }
        }
        finally
        {
            await emulator.StopAsync();
            await emulator.DisposeAsync();
            Directory.Delete(work, recursive: true);
        }
    }

    private static string ThisBuild => Path.Combine(Repository.Root, "src", "VaasWeb", "bin", "Release", "net10.0");

    private sealed record NodeResult(string Name, double Cpu, double Idle, string Polled);

    private sealed record PollingResult(double Cpu, double Idle, double MinGap, double P99Gap, int TooClose, double PollsPerTaskPerInterval, string Load, IReadOnlyList<NodeResult> Nodes, double? Warm);

    private static async Task<PollingResult> MeasurePollingAsync(WebApplication emulator, RequestLog log, string bin, string data, int count, double interval, TimeSpan window,
        int submitPerMinute, ClusterBackends? cluster, int nodes, bool warmWindow)
    {
        log.Clear();
        var apps = new List<(string Name, ServerProcess App)>();
        string? database = null;
        try
        {
            if (cluster is null)
            {
                apps.Add(("node", await StartVaasWebAsync(emulator, bin, data, interval, submitPerMinute)));
            }
            else
            {
                // As scripts/cluster.sh: one database and media root, a data folder each; the first node migrates and makes the admin.
                database = await cluster.CreateDatabaseAsync();
                for (var i = 0; i < nodes; i++)
                {
                    var name = $"node-{(char)('a' + i)}";
                    apps.Add((name, await StartVaasWebAsync(emulator, bin, Path.Combine(data, name), interval, submitPerMinute,
                        cluster.NodeArguments(name, database, Path.Combine(data, "media")))));
                }
            }

            return await MeasurePollingAsync(emulator, log, apps, count, interval, window, submitPerMinute, cluster, database, warmWindow);
        }
        finally
        {
            foreach (var (_, app) in apps)
            {
                await app.DisposeAsync();
            }
        }
    }

    private static async Task<PollingResult> MeasurePollingAsync(WebApplication emulator, RequestLog log, List<(string Name, ServerProcess App)> apps, int count, double interval,
        TimeSpan window, int submitPerMinute, ClusterBackends? cluster, string? database, bool warmWindow)
    {
        var clients = new List<HttpClient>();
        foreach (var (_, app) in apps)
        {
            clients.Add(await Tools.SignedInClientAsync(app.Address));
        }

        Console.WriteLine($"VaasWeb ({string.Join(", ", apps.Select(a => $"{a.Name} pid {a.App.Pid}"))}) polls every {interval} s and submits at most {submitPerMinute} a minute; "
                          + $"emulator phases preparing {PreparingSeconds} s, queueing {QueueingSeconds} s, processing {ProcessingSeconds} s.");

        // What the app costs with nothing in flight, to read the window's numbers against. Measured once the start's
        // JIT tiering and first background runs are over: they take most of the first half-minute.
        await Task.Delay(TimeSpan.FromSeconds(30));
        var idle = await CpuSharesAsync(apps, TimeSpan.FromSeconds(15));

        Console.WriteLine($"Creating {count} generations over REST{(apps.Count > 1 ? $", spread over the {apps.Count} nodes" : "")}...");
        var clock = Stopwatch.StartNew();
        await CreateGenerationsAsync(clients, count, "A lighthouse on a cliff at dusk, waves crashing below");
        var created = clock.Elapsed;
        // At the configured rate, plus time for the app to write each one; a slower app is reported, not waited for.
        var submits = await WaitForAcceptedAsync(log, count, TimeSpan.FromMinutes((double)count / submitPerMinute) + TimeSpan.FromMinutes(3));
        var acceptedAfter = clock.Elapsed;
        var accepted = submits.Where(s => s.Status == 200 && s.TaskId is not null).Select(s => s.TaskId!).ToHashSet();

        Console.WriteLine($"Watching the polls for {window.TotalSeconds:0} s...");
        log.Clear();
        var windowStart = DateTimeOffset.UtcNow;
        var rssStart = apps.Select(a => a.App.ResidentBytes()).ToArray();
        var (cpus, rssPeak) = await apps[0].App.MeasurePeakAsync(() => CpuSharesAsync(apps, window));
        var rssEnd = apps.Select(a => a.App.ResidentBytes()).ToArray();
        var queries = log.Entries(EndpointNames.Query);
        var wall = cpus[0].Wall;

        // Each of these moves from preparing to queueing in the window, a change the app writes once at its next poll.
        var moved = submits.Where(s => s.Status == 200).Select(s => At(s).AddSeconds(PreparingSeconds)).Count(at => at >= windowStart && at < windowStart + wall);

        // Which node holds each generation: the one whose submit job sent it, named on its task.
        var polledBy = new Dictionary<string, string>();
        if (cluster is not null && database is not null)
        {
            foreach (var line in (await cluster.QueryAsync(database, "SELECT \"WorkerId\", count(*) FROM \"Tasks\" GROUP BY \"WorkerId\"")).Split('\n'))
            {
                var parts = line.Split(' ');
                polledBy[parts[0]] = parts.Length > 1 ? parts[1] : "?";
            }
        }

        Console.WriteLine();
        Console.WriteLine($"=== generations: {accepted.Count} of {count} in flight on {apps.Count} node{(apps.Count > 1 ? "s" : "")}, poll interval {interval} s, window {wall.TotalSeconds:0.0} s ===");
        Console.WriteLine($"submit   {count} created over REST in {created.TotalSeconds:0.0} s; {accepted.Count} accepted by MiniMax {acceptedAfter.TotalSeconds:0.0} s after the first POST");
        Console.WriteLine($"         {submits.Count} video_generation requests ({submits.Count(s => s.Status != 200)} not 200), "
                          + $"sent over {SendingTime(submits).TotalSeconds:0.0} s; most in any 60 s: {MostInAnyMinute(submits)} (limit {submitPerMinute})");
        var (minGap, p99Gap, tooClose, perInterval) = ReportPolls(queries, accepted, interval, wall);
        var load = File.ReadAllText("/proc/loadavg").Split(' ');
        var nodeResults = new List<NodeResult>();
        for (var i = 0; i < apps.Count; i++)
        {
            var cpu = cpus[i].Cpu.TotalSeconds / cpus[i].Wall.TotalSeconds;
            var idleShare = idle[i].Cpu.TotalSeconds / idle[i].Wall.TotalSeconds;
            var polled = polledBy.GetValueOrDefault(apps[i].Name, apps.Count == 1 ? $"{accepted.Count}" : "0");
            nodeResults.Add(new NodeResult(apps[i].Name, cpu, idleShare, polled));
            Console.WriteLine($"{(i == 0 ? "app" : ""),-8} {(apps.Count > 1 ? $"{apps[i].Name} ({polled} generations held) " : "")}CPU {cpu:P1} of one core "
                              + $"({cpus[i].Cpu.TotalSeconds:0.00} s in {cpus[i].Wall.TotalSeconds:0.0} s; idle before the generations {idleShare:P1}); "
                              + $"RSS start {MiB(rssStart[i]):0.0} MiB, end {MiB(rssEnd[i]):0.0} MiB{(i == 0 ? $", peak {MiB(rssPeak):0.0} MiB" : "")}");
        }

        Console.WriteLine($"         {moved} tasks moved preparing -> queueing in the window; load average {load[0]} {load[1]} {load[2]}");
        foreach (var http in clients)
        {
            http.Dispose();
        }

        // A second window right after: the same polls on a warm process (the JIT's tiering of the polling path is over),
        // and no status changes (queueing lasts until well after it).
        double? warm = null;
        if (warmWindow)
        {
            log.Clear();
            var again = await CpuSharesAsync(apps, window);
            warm = again.Average(c => c.Cpu.TotalSeconds / c.Wall.TotalSeconds);
            Console.WriteLine($"warm     a second window of {again[0].Wall.TotalSeconds:0.0} s, no status changes: CPU {string.Join(", ", again.Select((c, i) => $"{apps[i].Name} {c.Cpu.TotalSeconds / c.Wall.TotalSeconds:P1}"))}");
            ReportPolls(log.Entries(EndpointNames.Query), accepted, interval, again[0].Wall);
        }

        return new PollingResult(nodeResults.Average(n => n.Cpu), nodeResults.Average(n => n.Idle), minGap, p99Gap, tooClose, perInterval, $"{load[0]} {load[1]} {load[2]}", nodeResults, warm);
    }

    /// <summary>Per task: how many polls in the window and the time between each two (goal: once per interval, never sooner).</summary>
    private static (double MinGap, double P99Gap, int TooClose, double PollsPerTaskPerInterval) ReportPolls(IReadOnlyList<RequestLogEntry> queries, HashSet<string> accepted, double interval, TimeSpan wall)
    {
        var polls = queries.Where(q => q.TaskId is not null).GroupBy(q => q.TaskId!).ToDictionary(g => g.Key, g => g.Select(At).Order().ToArray());
        var perTask = accepted.Select(id => polls.TryGetValue(id, out var times) ? times.Length : 0).ToArray();
        var gapsPerTask = polls.Values.Select(times => times.Zip(times.Skip(1), (a, b) => (b - a).TotalSeconds).ToArray()).ToArray();
        var gaps = gapsPerTask.SelectMany(g => g).Order().ToArray();
        var intervals = wall.TotalSeconds / interval;
        Console.WriteLine($"polling  {queries.Count} queries ({queries.Count(q => q.Status != 200)} not 200) in {intervals:0.0} intervals: "
                          + $"{perTask.Sum() / (double)Math.Max(perTask.Length, 1) / intervals:0.00} polls per task per interval (goal 1); "
                          + $"per task min {perTask.DefaultIfEmpty().Min()}, max {perTask.DefaultIfEmpty().Max()}");
        Console.WriteLine($"         gap between one task's polls: min {gaps.DefaultIfEmpty(double.NaN).First():0.00} s, p50 {Tools.Percentile(gaps, 50):0.00} s, "
                          + $"p99 {Tools.Percentile(gaps, 99):0.00} s, max {gaps.DefaultIfEmpty(double.NaN).Last():0.00} s ({gaps.Length} gaps)");
        // The poller's promise: never two polls of one task closer than the interval less its tick tolerance (0.5 s).
        var floor = interval - 0.5;
        var tooClose = gapsPerTask.Count(g => g.Any(gap => gap < floor));
        Console.WriteLine($"         tasks polled 0 times: {perTask.Count(n => n == 0)}; tasks polled twice within less than {floor} s: {tooClose}; "
                          + $"queries for tasks not accepted above: {polls.Keys.Count(id => !accepted.Contains(id))}");
        return (gaps.DefaultIfEmpty(double.NaN).First(), Tools.Percentile(gaps, 99), tooClose, perTask.Sum() / (double)Math.Max(perTask.Length, 1) / intervals);
    }

    /// <summary>A fresh app at 5 submits a minute, given more than that: the most sent in any 60 s is the number to read.</summary>
    private static async Task CheckSubmitLimitAsync(WebApplication emulator, RequestLog log, string data, int count, double interval)
    {
        log.Clear();
        await using var app = await StartVaasWebAsync(emulator, ThisBuild, data, interval, RateCheckPerMinute);
        using var http = await Tools.SignedInClientAsync(app.Address);
        HttpClient[] nodes = [http];
        Console.WriteLine();
        Console.WriteLine($"Submit limit check: {count} generations at {RateCheckPerMinute} a minute, watched for {RateCheckWatch.TotalSeconds:0} s...");
        await CreateGenerationsAsync(nodes, count, "A paper boat drifting down a rain gutter");
        await Task.Delay(RateCheckWatch);
        var submits = log.Entries(EndpointNames.VideoGeneration);
        var first = submits.Count == 0 ? default : At(submits[0]);
        var sentAt = string.Join(", ", submits.Select(s => $"+{(At(s) - first).TotalSeconds:0.0}"));
        Console.WriteLine($"=== submit limit {RateCheckPerMinute}/min: {submits.Count} of {count} sent in {RateCheckWatch.TotalSeconds:0} s "
                          + $"({submits.Count(s => s.Status != 200)} not 200); most in any 60 s: {MostInAnyMinute(submits)} (limit {RateCheckPerMinute}) ===");
        Console.WriteLine($"sent at (s after the first): {sentAt}");
    }

    private static Task<ServerProcess> StartVaasWebAsync(WebApplication emulator, string bin, string data, double interval, int submitPerMinute, params string[] more) =>
        ServerProcess.StartAsync(bin, "/healthz", ["VaasWeb.dll",
            "--urls", "http://127.0.0.1:{port}", "--Storage:DataDirectory", data, "--Logging:LogLevel:Default", "Warning",
            "--MiniMax:BaseUrl", EmulatorApp.AddressOf(emulator).ToString(), "--MiniMax:ApiKey", ApiKey,
            "--MiniMax:PollIntervalSeconds", interval.ToString(CultureInfo.InvariantCulture),
            "--MiniMax:SubmitPerMinute", submitPerMinute.ToString(CultureInfo.InvariantCulture), "--MiniMax:IngestResults", "false",
            "--Admin:Email", Tools.AdminEmail, "--Admin:Password", Tools.AdminPassword, .. more]);

    private static async Task CreateGenerationsAsync(IReadOnlyList<HttpClient> nodes, int count, string prompt) =>
        await Parallel.ForEachAsync(Enumerable.Range(1, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, cancellationToken) =>
            (await nodes[i % nodes.Count].PostAsJsonAsync("/api/generations", new { prompt = $"{prompt}, take {i}" }, cancellationToken)).EnsureSuccessStatusCode());

    /// <summary>Every submit the emulator saw once <paramref name="count"/> were accepted, or when the time is up.</summary>
    private static async Task<IReadOnlyList<RequestLogEntry>> WaitForAcceptedAsync(RequestLog log, int count, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        while (true)
        {
            var submits = log.Entries(EndpointNames.VideoGeneration);
            var accepted = submits.Count(s => s.Status == 200);
            if (accepted >= count || clock.Elapsed > timeout)
            {
                Console.WriteLine($"  {accepted} of {count} accepted after {clock.Elapsed.TotalSeconds:0} s{(accepted < count ? "; not waiting longer" : "")}");
                return submits;
            }

            if (clock.Elapsed - lastReport >= TimeSpan.FromSeconds(10))
            {
                lastReport = clock.Elapsed;
                Console.WriteLine($"  {accepted} of {count} accepted after {clock.Elapsed.TotalSeconds:0} s");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>Each app's CPU time (user + system, from /proc/pid/stat) over the same wait of <paramref name="duration"/>.</summary>
    private static async Task<(TimeSpan Cpu, TimeSpan Wall)[]> CpuSharesAsync(List<(string Name, ServerProcess App)> apps, TimeSpan duration)
    {
        var processes = apps.Select(a => Process.GetProcessById(a.App.Pid)).ToArray();
        var before = processes.Select(p => p.TotalProcessorTime).ToArray();
        var clock = Stopwatch.StartNew();
        await Task.Delay(duration);
        var result = new (TimeSpan, TimeSpan)[processes.Length];
        for (var i = 0; i < processes.Length; i++)
        {
            processes[i].Refresh();
            result[i] = (processes[i].TotalProcessorTime - before[i], clock.Elapsed);
            processes[i].Dispose();
        }

        return result;
    }

    /// <summary>The limit is a sliding window, not a per-minute average: a burst of the whole limit at once is allowed.</summary>
    private static int MostInAnyMinute(IReadOnlyList<RequestLogEntry> requests)
    {
        var times = requests.Select(At).Order().ToArray();
        var most = 0;
        for (int first = 0, last = 0; first < times.Length; first++)
        {
            // Half-open, as the app's gate counts: a send exactly 60 s after another is in a new window.
            while (last < times.Length && times[last] - times[first] < RateWindow)
            {
                last++;
            }

            most = Math.Max(most, last - first);
        }

        return most;
    }

    private static TimeSpan SendingTime(IReadOnlyList<RequestLogEntry> requests) =>
        requests.Count == 0 ? TimeSpan.Zero : requests.Max(At) - requests.Min(At);

    private static DateTimeOffset At(RequestLogEntry entry) =>
        DateTimeOffset.Parse(entry.At, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static double MiB(long bytes) => bytes / (1024.0 * 1024);

    private static string? StringOption(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? Path.GetFullPath(args[index + 1]) : null;
    }

    private static double Option(string[] args, string name, double fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? double.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
