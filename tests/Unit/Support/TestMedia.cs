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

    public const string SpokenPhrase = "please open the door";
    public const double SpokenAtSeconds = 12;
    public const string ShownText = "QUARTERLY SALES REPORT";
    public const double ShownFromSeconds = 4;
    public const double ShownUntilSeconds = 8;

    private static readonly Lazy<Task<string>> Talking = new(MakeTalkingVideoAsync);

    /// <summary>
    /// 25 s: a calm background with a small moving test picture (every second looks different), the words
    /// <see cref="ShownText"/> drawn from 4 to 8 s, and <see cref="SpokenPhrase"/> spoken by flite at 12 s
    /// (flite's voice is recognised almost exactly by pocketsphinx).
    /// </summary>
    public static Task<string> TalkingVideoAsync() => Talking.Value;

    private static async Task<string> MakeTalkingVideoAsync()
    {
        var path = Path.Combine(Cache, "talking.mp4");
        var shown = $"drawtext=text='{ShownText}':fontcolor=white:fontsize=36:x=(w-text_w)/2:y=h-80:enable='between(t,{ShownFromSeconds},{ShownUntilSeconds})'";
        var spoken = $"aresample=44100,adelay={SpokenAtSeconds * 1000}:all=1,apad";
        await RunFfmpegAsync(["-v", "error", "-y",
            "-f", "lavfi", "-i", "color=c=0x202840:size=640x360:rate=25",
            "-f", "lavfi", "-i", "testsrc=size=160x90:rate=25",
            "-f", "lavfi", "-i", $"flite=text='{SpokenPhrase}':voice=rms",
            "-filter_complex", $"[0:v][1:v]overlay=x=20:y=20[bg];[bg]{shown}[v];[2:a]{spoken}[a]",
            "-map", "[v]", "-map", "[a]", "-t", "25", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", path]);
        return path;
    }

    public const string SlideText = "Budget review for next year";
    public const double SlideFromSeconds = 5;
    public const double SlideUntilSeconds = 9;

    private static readonly ConcurrentDictionary<(int, int), Lazy<Task<string>>> TestPatterns = new();
    private static readonly Lazy<Task<string>> Slide = new(() => MakeTestPatternVideoAsync("slide.mp4", 800, 600, 14,
        $",drawbox=x=0:y=300:w=iw:h=300:color=0x203050:t=fill:enable='{SlideShown}',drawtext=text='{SlideText}':fontcolor=white:fontsize=36:x=(w-text_w)/2:y=430:enable='{SlideShown}'"));

    private static string SlideShown => $"gte(t,{SlideFromSeconds})*lt(t,{SlideUntilSeconds})";

    /// <summary>
    /// 30 s of ffmpeg's testsrc2 (320×240 is its own default size): moving shapes and colours, and a clock and a
    /// frame counter that change every frame. Nothing meant to be read, yet tesseract makes words of it
    /// ("00:00: 13.000}", "325)" at 320×240, "ee Es" at 1024×768).
    /// </summary>
    public static Task<string> TestPatternVideoAsync(int width = 320, int height = 240) =>
        TestPatterns.GetOrAdd((width, height), size => new Lazy<Task<string>>(() =>
            MakeTestPatternVideoAsync($"test-pattern-{size.Item1}x{size.Item2}.mp4", size.Item1, size.Item2, 30, ""))).Value;

    /// <summary>
    /// 14 s of testsrc2 at 800×600 with a slide over its lower half from 5 to 9 s: <see cref="SlideText"/> in white
    /// on a plain panel. The pattern keeps moving above it, so every second is a new picture and the slide is read
    /// four times (once as "gal | Budget review for next year").
    /// </summary>
    public static Task<string> SlideVideoAsync() => Slide.Value;

    /// <summary>The slides of <see cref="DeckVideoAsync"/>: a title, a second line, and when each is shown (seconds).</summary>
    public static readonly (string Title, string Line, double From, double Until)[] DeckSlides =
    [
        ("Quarterly results", "Revenue grew in every region", 0, 5),
        ("Hiring plan", "Twelve engineers by spring", 5, 11),
        ("Questions and answers", "Thank you for listening", 11, 16),
    ];

    private static readonly Lazy<Task<string>> Deck = new(MakeDeckVideoAsync);

    /// <summary>
    /// 16 s of three slides on one dark-blue background, as a deck has: white title and line, nothing else changing,
    /// so only the words tell one slide from the next (<see cref="DeckSlides"/>).
    /// </summary>
    public static Task<string> DeckVideoAsync() => Deck.Value;

    private static async Task<string> MakeDeckVideoAsync()
    {
        var path = Path.Combine(Cache, "deck.mp4");
        var slides = string.Join(",", DeckSlides.SelectMany(s => new[]
        {
            $"drawtext=text='{s.Title}':fontcolor=white:fontsize=44:x=(w-text_w)/2:y=170:enable='between(t,{s.From},{s.Until - 0.04})'",
            $"drawtext=text='{s.Line}':fontcolor=white:fontsize=30:x=(w-text_w)/2:y=300:enable='between(t,{s.From},{s.Until - 0.04})'",
        }));
        await RunFfmpegAsync(["-v", "error", "-y", "-f", "lavfi", "-i", "color=c=0x1a2a4a:size=960x540:rate=25", "-vf", slides,
            "-t", DeckSlides[^1].Until.ToString(CultureInfo.InvariantCulture), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", path]);
        return path;
    }

    private static async Task<string> MakeTestPatternVideoAsync(string name, int width, int height, int seconds, string filters)
    {
        var path = Path.Combine(Cache, name);
        await RunFfmpegAsync(["-v", "error", "-y", "-f", "lavfi", "-i", $"testsrc2=size={width}x{height}:rate=25", "-vf", $"null{filters}",
            "-t", seconds.ToString(CultureInfo.InvariantCulture), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", path]);
        return path;
    }

    /// <summary>One frame of a video at a time, as a still picture (what a screenshot would be).</summary>
    public static async Task<string> StillAsync(string video, double seconds, string path, int width = 480)
    {
        await RunFfmpegAsync(["-v", "error", "-y", "-ss", seconds.ToString(CultureInfo.InvariantCulture), "-i", video, "-frames:v", "1", "-vf", $"scale={width}:-2", path]);
        return path;
    }

    /// <summary>A media file's duration in seconds, as ffprobe reads it.</summary>
    public static async Task<double> DurationAsync(string path) =>
        double.Parse((await RunAsync("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path])).Trim(), CultureInfo.InvariantCulture);

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
