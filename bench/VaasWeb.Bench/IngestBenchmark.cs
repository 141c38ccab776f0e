using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VaasWeb.Processing;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Ingestion;
using VaasWeb.Processing.Intelligence;
using VaasWeb.Processing.Storage;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Videos;

namespace VaasWeb.Bench;

/// <summary>
/// Ingests a generated 60 s 1280×720 H.264 + AAC video through VaasWeb's pipeline (Quartz job, ffmpeg through
/// FFMpegCore, tesseract, pocketsphinx, SQLite rows, progress writes, the picture and sound lanes side by side), then
/// runs the bare commands that do the same work one after another, in the same process and run, and prints both wall
/// times and their ratio (goal ≤ 0.8: faster than the bare tools run in sequence).
/// </summary>
internal static class IngestBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3;
        var work = Directory.CreateTempSubdirectory("vaasweb-bench-").FullName;
        try
        {
            var video = Path.Combine(work, "source.mp4");
            Console.WriteLine("Generating a 60 s 1280x720 30 fps H.264 + AAC video...");
            await Tools.RunAsync("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-f", "lavfi", "-i",
                "sine=frequency=440:sample_rate=48000", "-t", "60", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", video);

            await using var vaasWeb = await VaasWebInstance.StartAsync(Path.Combine(work, "vaas"));
            // A long-running server is warm: JIT, EF's compiled queries and Quartz are ready before work arrives.
            Console.WriteLine($"warm-up ingestion: {await vaasWeb.IngestAsync(video):0.000} s");

            // The bare side does the pipeline's embedding work too: the same texts through the same (warm) built-in model.
            var embedded = vaasWeb.LastEmbeddedTexts;
            Console.WriteLine(embedded.Count == 0
                ? $"embeddings: VaasWeb embedded nothing ({vaasWeb.LastEmbeddingsDetail}), so the bare side embeds nothing either"
                : $"embeddings: VaasWeb embedded {embedded.Count} segments ({vaasWeb.LastEmbeddingsDetail}); the bare side embeds the same texts with the same model");
            Console.WriteLine("VaasWeb runs the picture lane (frames, OCR) beside the sound lane (audio, speech), two tesseract and two pocketsphinx runs at once.");
            Console.WriteLine("bare tools: every command after the previous one, the same tesseract runs one at a time, pocketsphinx two chunks at a time (as it always did).");
            Console.WriteLine("reference: the same commands one step after another, but each reader two at a time as VaasWeb does: what the lanes alone win.");

            var pipeline = new List<double>();
            var bare = new List<double>();
            var reference = new List<double>();
            for (var round = 1; round <= rounds; round++)
            {
                // Rotate the order so none of them always runs on a warmer disk cache.
                var runs = new (List<double> Into, Func<Task<double>> Run)[]
                {
                    (pipeline, () => vaasWeb.IngestAsync(video)),
                    (bare, () => TimeBareToolsAsync(video, Path.Combine(work, $"bare-{round}"), vaasWeb.Embedder, embedded, tesseractsAtOnce: 1)),
                    (reference, () => TimeBareToolsAsync(video, Path.Combine(work, $"reference-{round}"), vaasWeb.Embedder, embedded, tesseractsAtOnce: 2)),
                };
                for (var i = 0; i < runs.Length; i++)
                {
                    var (into, run) = runs[(i + round - 1) % runs.Length];
                    into.Add(await run());
                }

                Console.WriteLine($"round {round}: VaasWeb {pipeline[^1]:0.000} s, bare tools {bare[^1]:0.000} s, reference {reference[^1]:0.000} s, load average {Tools.LoadAverage()}");
            }

            var vaas = Tools.Median(pipeline);
            var tools = Tools.Median(bare);
            var steps = Tools.Median(reference);
            Console.WriteLine();
            Console.WriteLine($"VaasWeb pipeline                       (median of {rounds}): {vaas:0.000} s");
            Console.WriteLine($"bare tools, one command after another  (median of {rounds}): {tools:0.000} s");
            Console.WriteLine($"reference, readers two at a time       (median of {rounds}): {steps:0.000} s");
            Console.WriteLine($"ratio to the bare tools: {vaas / tools:0.00} (goal <= 0.8); to the reference: {vaas / steps:0.00}");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>One VaasWeb processing host, kept running across rounds like a real server.</summary>
    private sealed class VaasWebInstance : IAsyncDisposable
    {
        private readonly IHost _host;
        private readonly FinishedTasks _finished;

        private VaasWebInstance(IHost host, FinishedTasks finished)
        {
            _host = host;
            _finished = finished;
        }

        public static async Task<VaasWebInstance> StartAsync(string dataDirectory)
        {
            var host = await Tools.StartProcessingAsync(dataDirectory);
            return new VaasWebInstance(host, host.Services.GetRequiredService<FinishedTasks>());
        }

        /// <summary>The host's own embedder (the built-in model's session is one per process, warm after the first ingestion).</summary>
        public IEmbedder Embedder => _host.Services.GetRequiredService<IEmbedder>();

        /// <summary>The texts the last ingestion's embeddings step turned into vectors.</summary>
        public IReadOnlyList<string> LastEmbeddedTexts { get; private set; } = [];

        public string LastEmbeddingsDetail { get; private set; } = "";

        /// <summary>From handing a stored upload to VaasWeb until its ingestion task is completed.</summary>
        public async Task<double> IngestAsync(string source)
        {
            var storage = _host.Services.GetRequiredService<MediaStorage>();
            var incoming = storage.NewIncomingPath();
            File.Copy(source, incoming);
            var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(incoming)));

            var clock = Stopwatch.StartNew();
            var imported = await _host.Services.GetRequiredService<VideoImporter>()
                .ImportUploadAsync(incoming, "bench.mp4", new FileInfo(incoming).Length, sha, autoStart: true, null, CancellationToken.None);
            var done = await _finished.WaitAsync(imported.Task!.Id);
            clock.Stop();
            if (done.State != TaskState.Completed)
            {
                throw new InvalidOperationException($"Ingestion ended {done.State}: {done.ErrorMessage}");
            }

            await using var db = await _host.Services.GetRequiredService<IDbContextFactory<VaasDbContext>>().CreateDbContextAsync();
            var steps = await db.TaskSteps.Where(s => s.TaskId == done.TaskId).OrderBy(s => s.Ordinal).ToListAsync();
            // Times from the task's start, so the lanes side by side show: frames 0.08–3.30 s beside audio 0.08–0.20 s.
            var start = done.StartedAt!.Value;
            Console.WriteLine($"  VaasWeb: queued {(start - done.CreatedAt).TotalSeconds:0.000} s, "
                              + string.Join(", ", steps.Select(s => $"{s.Name} {(s.StartedAt - start).TotalSeconds:0.00}–{(s.FinishedAt!.Value - start).TotalSeconds:0.00} s"))
                              + $", task {(done.FinishedAt!.Value - start).TotalSeconds:0.000} s");
            LastEmbeddingsDetail = steps.Single(s => s.Name == "embeddings").Detail ?? "";
            LastEmbeddedTexts = await db.TextEmbeddings.Where(e => e.VideoId == imported.Video.Id)
                .Join(db.TextSegments, e => e.TextSegmentId, s => s.Id, (_, s) => s.Text).ToListAsync();
            return clock.Elapsed.TotalSeconds;
        }

        public async ValueTask DisposeAsync()
        {
            await _host.StopAsync();
            _host.Dispose();
        }
    }

    /// <summary>
    /// The same work as plain commands, each after the previous one: ffprobe; ffmpeg for one JPEG a second, a thumbnail,
    /// the fingerprints, the 16 kHz WAV and its 10 s chunks; tesseract on the frames; pocketsphinx on the chunks; the
    /// built-in model on the texts the pipeline embedded.
    /// </summary>
    /// <param name="tesseractsAtOnce">1: one run after another, as typed in a shell; 2: as VaasWeb runs them.</param>
    private static async Task<double> TimeBareToolsAsync(string source, string output, IEmbedder embedder, IReadOnlyList<string> embedded, int tesseractsAtOnce)
    {
        var options = new IngestionOptions();
        Directory.CreateDirectory(Path.Combine(output, "frames"));
        var clock = Stopwatch.StartNew();
        await Tools.RunAsync("ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", source);
        await Tools.RunAsync("ffmpeg", "-v", "error", "-y", "-i", source, "-an", "-vf", "fps=1,scale=1024:576", "-q:v", "3",
            Path.Combine(output, "frames", "%06d.jpg"));
        await Tools.RunAsync("ffmpeg", "-v", "error", "-y", "-i", Path.Combine(output, "frames", "000007.jpg"), "-vf", "scale=320:-2",
            Path.Combine(output, "thumb.jpg"));
        // Fingerprints of the frames, then OCR of each (this video changes every frame, so every frame is read).
        await Tools.RunAsync("ffmpeg", "-v", "error", "-y", "-f", "image2", "-i", Path.Combine(output, "frames", "%06d.jpg"),
            "-vf", "scale=32:32:flags=area,format=gray", "-f", "rawvideo", Path.Combine(output, "fingerprints.raw"));
        var frames = Directory.GetFiles(Path.Combine(output, "frames"), "*.jpg").Order().ToArray();
        // The runs VaasWeb makes of them (FrameTextStep: the pictures split between two readers, at most 64 a run).
        var perRun = Math.Clamp((frames.Length + 1) / 2, 1, 64);
        await Parallel.ForEachAsync(frames.Chunk(perRun).Select((batch, i) => (batch, i)), new ParallelOptions { MaxDegreeOfParallelism = tesseractsAtOnce },
            async (b, _) =>
            {
                var list = Path.Combine(output, $"ocr-list-{b.i}.txt");
                await File.WriteAllLinesAsync(list, b.batch);
                // With the setting VaasWeb gives tesseract (one thread each), which makes it faster alone too.
                await Tools.RunAsync("env", "OMP_THREAD_LIMIT=1", "tesseract", list, "stdout", "-l", "eng", "--psm", "3", "tsv");
            });
        var wav = Path.Combine(output, "full.wav");
        await Tools.RunAsync("ffmpeg", "-v", "error", "-y", "-i", source, "-vn", "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le", wav);
        var chunks = new List<string> { "-v", "error", "-y", "-i", wav };
        var step = options.AudioChunkSeconds - options.AudioOverlapSeconds;
        for (var (start, i) = (0.0, 0); start < 60; start += step, i++)
        {
            chunks.AddRange(["-ss", start.ToString(CultureInfo.InvariantCulture), "-t", options.AudioChunkSeconds.ToString(CultureInfo.InvariantCulture),
                "-c", "copy", Path.Combine(output, $"chunk-{i}.wav")]);
            if (start + options.AudioChunkSeconds >= 60)
            {
                break;
            }
        }

        await Tools.RunAsync("ffmpeg", [.. chunks]);
        // Speech to text, two chunks at a time as the pipeline does.
        await Parallel.ForEachAsync(Directory.GetFiles(output, "chunk-*.wav"), new ParallelOptions { MaxDegreeOfParallelism = 2 },
            async (chunk, _) => await Tools.RunAsync("pocketsphinx_continuous", "-infile", chunk, "-time", "yes", "-logfn", "/dev/null"));
        foreach (var texts in embedded.Chunk(64))
        {
            await embedder.EmbedAsync(texts, CancellationToken.None);
        }

        clock.Stop();
        return clock.Elapsed.TotalSeconds;
    }

    internal sealed class FinishedTasks : ITaskEventSink
    {
        private readonly Dictionary<Guid, TaskCompletionSource<TaskSnapshot>> _waiting = [];

        public ValueTask PublishAsync(TaskSnapshot snapshot)
        {
            if (TaskStateMachine.IsFinished(snapshot.State))
            {
                Completion(snapshot.TaskId).TrySetResult(snapshot);
            }

            return ValueTask.CompletedTask;
        }

        public Task<TaskSnapshot> WaitAsync(Guid taskId) => Completion(taskId).Task;

        private TaskCompletionSource<TaskSnapshot> Completion(Guid taskId)
        {
            lock (_waiting)
            {
                if (!_waiting.TryGetValue(taskId, out var completion))
                {
                    completion = new TaskCompletionSource<TaskSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
                    _waiting[taskId] = completion;
                }

                return completion;
            }
        }
    }
}
