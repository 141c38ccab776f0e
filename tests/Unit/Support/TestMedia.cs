using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace VaasWeb.Tests.Unit.Support;

/// <summary>What a generated test video looks like.</summary>
/// <summary>What a generated test video looks like. Lossless makes a big file from little picture (for upload tests).</summary>
public sealed record VideoSpec(double Seconds = 10, bool Audio = true, int Width = 320, int Height = 240, int Fps = 25, bool FastStart = false, bool Lossless = false);

/// <summary>
/// Real media made by the real ffmpeg for tests: testsrc pictures, a sine tone. Each distinct video is made once
/// per test run and shared; tests copy it where they need it.
/// </summary>
public static class TestMedia
{
    private static readonly string Cache = Directory.CreateTempSubdirectory("vaasweb-media-").FullName;
    private static readonly ConcurrentDictionary<VideoSpec, Lazy<Task<string>>> Videos = new();

    public static Task<string> VideoAsync(VideoSpec spec) =>
        Videos.GetOrAdd(spec, s => new Lazy<Task<string>>(() => MakeVideoAsync(s))).Value;

    /// <summary>A copy of a generated video at <paramref name="path"/>.</summary>
    public static async Task<string> CopyVideoAsync(VideoSpec spec, string path)
    {
        File.Copy(await VideoAsync(spec), path, overwrite: true);
        return path;
    }

    /// <summary>The first <paramref name="fraction"/> of a file's bytes: what a cut-off download or upload leaves.</summary>
    public static string Truncate(string source, string target, double fraction)
    {
        var bytes = File.ReadAllBytes(source);
        File.WriteAllBytes(target, bytes[..(int)(bytes.Length * fraction)]);
        return target;
    }

    /// <summary>A plain text file with a video's name.</summary>
    public static string TextFile(string path)
    {
        File.WriteAllText(path, "This is a shopping list, not a video.\nmilk\nbread\n");
        return path;
    }

    private static async Task<string> MakeVideoAsync(VideoSpec spec)
    {
        var path = Path.Combine(Cache, $"{Guid.NewGuid():N}.mp4");
        var seconds = spec.Seconds.ToString(CultureInfo.InvariantCulture);
        var args = new List<string> { "-v", "error", "-y", "-f", "lavfi", "-i", $"testsrc=size={spec.Width}x{spec.Height}:rate={spec.Fps}" };
        if (spec.Audio)
        {
            args.AddRange(["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100"]);
        }

        args.AddRange(["-t", seconds, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]);
        if (spec.Lossless)
        {
            args.AddRange(["-qp", "0"]);
        }

        if (spec.Audio)
        {
            args.AddRange(["-c:a", "aac"]);
        }

        if (spec.FastStart)
        {
            args.AddRange(["-movflags", "+faststart"]);
        }

        args.Add(path);
        await RunFfmpegAsync(args);
        return path;
    }

    /// <summary>"WIDTHxHEIGHT" of an image or video, as ffprobe reads it.</summary>
    public static async Task<string> PictureSizeAsync(string path) =>
        (await RunAsync("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "csv=s=x:p=0", path])).Trim();

    public static Task RunFfmpegAsync(IEnumerable<string> args) => RunAsync("ffmpeg", args);

    private static async Task<string> RunAsync(string tool, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} failed: {await errors}");
        }

        return await output;
    }
}
