using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace VaasWeb.Bench;

/// <summary>
/// The same ingestions on one node and on two, in one run: a generated video (20 s of 1280×720 with a tone, by
/// default) uploaded N times (8) over <c>POST /upload-video</c>, spread over the nodes, timed from the first upload
/// until every task is completed. Configurations, each on fresh data: one node on SQLite (the default: Quartz in
/// memory), the same with MaxConcurrentJobs 2, one node on PostgreSQL + Redis (the clustered Quartz store, the
/// backplane), and two such nodes on one database and media root. Each node first ingests one video unmeasured (a
/// long-running server is warm). Prints the wall time, the sum of the tasks' own run times, which node ran how many,
/// each node's CPU, and the clustered store's overhead against SQLite.
/// Options: --videos 8 --seconds 20.
/// </summary>
internal static class ClusterIngestBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var videos = (int)Option(args, "--videos", 8);
        var seconds = Option(args, "--seconds", 20);
        var work = Directory.CreateTempSubdirectory("vaasweb-cluster-ingest-bench-").FullName;
        try
        {
            var video = Path.Combine(work, "source.mp4");
            Console.WriteLine($"Generating a {seconds} s 1280x720 30 fps H.264 + AAC video...");
            await Tools.RunAsync("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-f", "lavfi", "-i",
                "sine=frequency=440:sample_rate=48000", "-t", seconds.ToString(CultureInfo.InvariantCulture), "-c:v", "libx264", "-preset", "veryfast",
                "-pix_fmt", "yuv420p", "-c:a", "aac", video);
            await using var cluster = await ClusterBackends.StartAsync();

            var results = new List<(string Name, Result Result)>();
            var configurations = new (string Name, int Nodes, bool Postgres, int Concurrency)[]
            {
                ("1 node, SQLite", 1, false, 1),
                ("1 node, SQLite, 2 jobs at once", 1, false, 2),
                ("1 node, PostgreSQL + Redis", 1, true, 1),
                ("2 nodes, PostgreSQL + Redis", 2, true, 1),
            };
            foreach (var (name, nodes, postgres, concurrency) in configurations)
            {
                Console.WriteLine($"--- {name} ---");
                var result = await MeasureAsync(cluster, video, Path.Combine(work, $"run-{results.Count}"), videos, nodes, postgres, concurrency);
                results.Add((name, result));
            }

            Console.WriteLine();
            Console.WriteLine($"=== {videos} ingestions of a {seconds} s video; wall time from the first upload to the last completed ===");
            var sqlite = results[0].Result.Wall;
            foreach (var (name, r) in results)
            {
                Console.WriteLine($"{name,-32} wall {r.Wall.TotalSeconds,6:0.0} s ({r.Wall / sqlite:0.00}x the first), tasks' run time summed {r.TaskTime.TotalSeconds:0.0} s, "
                                  + $"ran: {r.RanOn}; CPU {r.Cpu}");
            }

            var single = results.First(r => r.Name == "1 node, PostgreSQL + Redis").Result;
            Console.WriteLine($"clustered store overhead on one node: {(single.Wall - sqlite).TotalSeconds:+0.0;-0.0} s wall ({single.Wall / sqlite - 1:+0%;-0%}), "
                              + $"{(single.TaskTime - results[0].Result.TaskTime).TotalSeconds / videos:+0.00;-0.00} s per task");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private sealed record Result(TimeSpan Wall, TimeSpan TaskTime, string RanOn, string Cpu);

    private static async Task<Result> MeasureAsync(ClusterBackends cluster, string video, string data, int videos, int nodeCount, bool postgres, int concurrency)
    {
        var bin = Path.Combine(Repository.Root, "src", "VaasWeb", "bin", "Release", "net10.0");
        var database = postgres ? await cluster.CreateDatabaseAsync() : null;
        var nodes = new List<(string Name, ServerProcess App, HttpClient Http)>();
        try
        {
            for (var i = 0; i < nodeCount; i++)
            {
                var name = $"node-{(char)('a' + i)}";
                string[] settings = database is null ? [] : cluster.NodeArguments(name, database, Path.Combine(data, "media"));
                var app = await ServerProcess.StartAsync(bin, "/healthz",
                    ["VaasWeb.dll", "--urls", "http://127.0.0.1:{port}", "--Storage:DataDirectory", Path.Combine(data, name), "--Logging:LogLevel:Default", "Warning",
                     "--Ingestion:MaxConcurrentJobs", $"{concurrency}", "--Admin:Email", Tools.AdminEmail, "--Admin:Password", Tools.AdminPassword, .. settings]);
                nodes.Add((name, app, await Tools.SignedInClientAsync(app.Address, TimeSpan.FromMinutes(5))));
            }

            // Warm-up: as many ingestions as nodes, unmeasured (Quartz decides where each runs).
            var warmUp = await UploadAsync(nodes.Select(n => n.Http).ToList(), video, nodeCount);
            await WaitForAsync(nodes[0].Http, warmUp);

            var cpuBefore = nodes.Select(n => CpuTime(n.App.Pid)).ToArray();
            var clock = Stopwatch.StartNew();
            var tasks = await UploadAsync(nodes.Select(n => n.Http).ToList(), video, videos);
            var done = await WaitForAsync(nodes[0].Http, tasks);
            var wall = clock.Elapsed;
            var cpu = nodes.Select((n, i) => $"{n.Name} {(CpuTime(n.App.Pid) - cpuBefore[i]).TotalSeconds / wall.TotalSeconds:P0}");
            var ranOn = done.GroupBy(t => t.Node ?? "?").OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}");
            var taskTime = TimeSpan.FromTicks(done.Sum(t => (t.FinishedAt - t.StartedAt).Ticks));
            Console.WriteLine($"  {videos} completed in {wall.TotalSeconds:0.0} s");
            return new Result(wall, taskTime, string.Join(", ", ranOn), string.Join(", ", cpu) + " of one core (the app; ffmpeg and the readers are processes of their own)");
        }
        finally
        {
            foreach (var (_, app, http) in nodes)
            {
                http.Dispose();
                await app.DisposeAsync();
            }
        }
    }

    private sealed record Finished(string? Node, DateTimeOffset StartedAt, DateTimeOffset FinishedAt);

    /// <summary>Uploads <paramref name="count"/> copies, one node after the other; the task ids.</summary>
    private static async Task<List<string>> UploadAsync(List<HttpClient> nodes, string video, int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            using var form = new MultipartFormDataContent();
            var part = new StreamContent(File.OpenRead(video), 1 << 20);
            part.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
            form.Add(part, "file", $"bench-{i}.mp4");
            var response = await nodes[i % nodes.Count].PostAsync("/upload-video", form);
            response.EnsureSuccessStatusCode();
            using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            ids.Add(answer.RootElement.GetProperty("task_id").GetString()!);
        }

        return ids;
    }

    /// <summary>Asks every half second until every task has finished; any node answers for all.</summary>
    private static async Task<List<Finished>> WaitForAsync(HttpClient http, List<string> taskIds)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var finished = new List<Finished>();
            foreach (var id in taskIds)
            {
                using var answer = JsonDocument.Parse(await http.GetStringAsync($"/task-status/{id}"));
                var root = answer.RootElement;
                var status = root.GetProperty("status").GetString();
                if (status == "failed")
                {
                    throw new InvalidOperationException($"Ingestion {id} failed: {root.GetProperty("error")}");
                }

                if (status == "completed")
                {
                    finished.Add(new Finished(root.TryGetProperty("node", out var node) ? node.GetString() : null,
                        root.GetProperty("started_at").GetDateTimeOffset(), root.GetProperty("finished_at").GetDateTimeOffset()));
                }
            }

            if (finished.Count == taskIds.Count)
            {
                return finished;
            }

            if (clock.Elapsed > TimeSpan.FromMinutes(15))
            {
                throw new TimeoutException($"{taskIds.Count - finished.Count} of {taskIds.Count} ingestions still not done after 15 minutes.");
            }

            await Task.Delay(500);
        }
    }

    private static TimeSpan CpuTime(int pid)
    {
        using var process = Process.GetProcessById(pid);
        return process.TotalProcessorTime;
    }

    private static double Option(string[] args, string name, double fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? double.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
