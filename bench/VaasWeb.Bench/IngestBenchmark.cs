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
using VaasWeb.Processing.Storage;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Videos;

namespace VaasWeb.Bench;

/// <summary>
/// Ingests a generated 60 s 1280×720 H.264 + AAC video through VaasWeb's pipeline (Quartz job, ffmpeg through
/// FFMpegCore, SQLite rows, progress writes), then runs the bare ffmpeg commands that do the same work, in the
/// same process and run, and prints both wall times and their ratio (goal ≤ 1.2).
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

            var pipeline = new List<double>();
            var bare = new List<double>();
            for (var round = 1; round <= rounds; round++)
            {
                // Alternate the order so neither side always runs on a warmer disk cache.
                if (round % 2 == 1)
                {
                    pipeline.Add(await vaasWeb.IngestAsync(video));
                    bare.Add(await TimeBareFfmpegAsync(video, Path.Combine(work, $"bare-{round}")));
                }
                else
                {
                    bare.Add(await TimeBareFfmpegAsync(video, Path.Combine(work, $"bare-{round}")));
                    pipeline.Add(await vaasWeb.IngestAsync(video));
                }

                Console.WriteLine($"round {round}: VaasWeb {pipeline[^1]:0.000} s, bare tools {bare[^1]:0.000} s");
            }

            var vaas = Tools.Median(pipeline);
            var ffmpeg = Tools.Median(bare);
            Console.WriteLine();
            Console.WriteLine($"VaasWeb pipeline (median of {rounds}): {vaas:0.000} s");
            Console.WriteLine($"bare tools       (median of {rounds}): {ffmpeg:0.000} s");
            Console.WriteLine($"ratio: {vaas / ffmpeg:0.00} (goal <= 1.2)");
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
            Console.WriteLine($"  VaasWeb: queued {(done.StartedAt!.Value - done.CreatedAt).TotalSeconds:0.000} s, "
                              + string.Join(", ", steps.Select(s => $"{s.Name} {(s.FinishedAt!.Value - s.StartedAt).TotalSeconds:0.000} s"))
                              + $", task {(done.FinishedAt!.Value - done.StartedAt.Value).TotalSeconds:0.000} s");
            return clock.Elapsed.TotalSeconds;
        }

        public async ValueTask DisposeAsync()
        {
            await _host.StopAsync();
            _host.Dispose();
        }
    }

    /// <summary>
    /// The same work as plain commands: ffprobe; ffmpeg for one JPEG a second, a thumbnail, the fingerprints, the
    /// 16 kHz WAV and its 10 s chunks; tesseract on the frames; pocketsphinx on the chunks.
    /// </summary>
    private static async Task<double> TimeBareFfmpegAsync(string source, string output)
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
        foreach (var batch in frames.Chunk(16))
        {
            var list = Path.Combine(output, "ocr-list.txt");
            await File.WriteAllLinesAsync(list, batch);
            await Tools.RunAsync("tesseract", list, "stdout", "-l", "eng", "--psm", "3");
        }
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
