using System.ComponentModel;
using System.Globalization;
using System.Text.RegularExpressions;
using FFMpegCore;
using FFMpegCore.Exceptions;
using FFMpegCore.Pipes;
using VaasWeb.Processing.Search;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace VaasWeb.Processing.Media;

/// <summary>
/// <see cref="IMediaTool"/> on FFMpegCore. A semaphore caps how many ffmpeg/ffprobe processes run at once;
/// cancellation kills the process rather than asking it to finish.
/// </summary>
public sealed partial class FfmpegMediaTool(IOptions<MediaOptions> options, ExternalTools tools, ILogger<FfmpegMediaTool> logger) : IMediaTool, IDisposable
{
    private static readonly HashSet<string> StillImageFormats =
        ["image2", "png_pipe", "jpeg_pipe", "bmp_pipe", "webp_pipe", "tiff_pipe", "svg_pipe", "pgm_pipe", "ppm_pipe"];

    /// <summary>
    /// Self-contained video containers, read only from local files. A playlist (HLS, DASH) or a concat script is
    /// a text file that makes ffmpeg open other files on the server, so neither is ever accepted as a video.
    /// </summary>
    internal const string VideoDemuxers =
        "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,avi,mpegts,mpeg,flv,asf,ogg,mxf,nut,dv,gif,ivf,m4v,h264,hevc,mpegvideo,obu";

    private const string SafeVideoInput = "-protocol_whitelist file -format_whitelist " + VideoDemuxers;

    /// <summary>Pictures come from people: only still-image decoders, only the local file.</summary>
    private const string SafeStillInput = "-protocol_whitelist file -format_whitelist image2,png_pipe,jpeg_pipe,webp_pipe,bmp_pipe,tiff_pipe,gif";

    /// <summary>How ffmpeg (strerror of ENOSPC) says that a write failed because the disk is full.</summary>
    private const string NoSpaceLeft = "No space left on device";

    private const string NotAPicture = "This is not a picture VaasWeb can read (JPEG, PNG, WebP, BMP, TIFF or GIF).";

    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentProcesses);
    private readonly FFOptions _ffOptions = new() { BinaryFolder = options.Value.FfmpegFolder ?? "" };

    public async Task<MediaInfo> ProbeAsync(string path, CancellationToken cancellationToken)
    {
        IMediaAnalysis analysis;
        await _slots.WaitAsync(cancellationToken);
        try
        {
            analysis = await FFProbe.AnalyseAsync(path, _ffOptions, SafeVideoInput, cancellationToken);
        }
        catch (FFProbeProcessException e) when (e.StandardError.Any(line => line.Contains("not on whitelist", StringComparison.Ordinal)))
        {
            throw new MediaException(MediaException.NotAVideo,
                "This file is a playlist or a format VaasWeb does not read as a video; upload the video file itself.", e);
        }
        catch (FFProbeProcessException e)
        {
            await tools.ThrowIfBrokenAsync(tools.Ffprobe, e, cancellationToken);
            throw new MediaException(MediaException.NotAVideo, $"This is not a video ffprobe can read ({Summarise(e.StandardError)}).", e);
        }
        catch (FileNotFoundException e) when (!File.Exists(path))
        {
            throw new MediaException(MediaException.Missing, "The video file is no longer there.", e);
        }
        catch (Exception e) when (e is Win32Exception or FileNotFoundException)
        {
            throw tools.NotStarted(tools.Ffprobe, e);
        }
        catch (Exception e) when (e is FFMpegException or FormatException or System.Text.Json.JsonException or FormatNullException)
        {
            await tools.ThrowIfBrokenAsync(tools.Ffprobe, e, cancellationToken);
            throw new MediaException(MediaException.Unreadable, $"ffprobe could not describe this file ({e.Message}).", e);
        }
        finally
        {
            _slots.Release();
        }

        return Describe(analysis);
    }

    private static MediaInfo Describe(IMediaAnalysis analysis)
    {
        var video = analysis.VideoStreams.FirstOrDefault(s => !(s.Disposition?.GetValueOrDefault("attached_pic") ?? false));
        if (video is null)
        {
            throw new MediaException(MediaException.NotAVideo, analysis.AudioStreams.Count > 0
                ? "This file holds only audio; VaasWeb needs a video stream."
                : "This file has no video stream.");
        }

        if (StillImageFormats.Contains(analysis.Format.FormatName))
        {
            throw new MediaException(MediaException.NotAVideo, "This file is a still image, not a video.");
        }

        var duration = analysis.Duration > TimeSpan.Zero ? analysis.Duration : video.Duration;
        if (duration <= TimeSpan.Zero || video.Width is not > 0 || video.Height is not > 0)
        {
            throw new MediaException(MediaException.Unreadable, "This video has no readable duration or picture size.");
        }

        // ffmpeg applies the rotation when it decodes, so frames come out in display orientation.
        var sideways = Math.Abs(video.Rotation) % 180 == 90;
        return new MediaInfo(
            duration,
            video.Duration > TimeSpan.Zero ? video.Duration : duration,
            analysis.Format.FormatName,
            video.CodecName ?? "unknown",
            sideways ? video.Height.Value : video.Width.Value,
            sideways ? video.Width.Value : video.Height.Value,
            double.IsFinite(video.AverageFrameRate) ? video.AverageFrameRate : 0,
            analysis.PrimaryAudioStream?.CodecName,
            analysis.Format.StartTime);
    }

    public async Task<IReadOnlyList<SampledFrame>> ExtractFramesAsync(FrameExtraction request, IProgress<double> progress, CancellationToken cancellationToken)
    {
        var interval = request.IntervalSeconds.ToString("0.######", CultureInfo.InvariantCulture);
        var start = request.StartTime.TotalSeconds.ToString("0.######", CultureInfo.InvariantCulture);
        // Keep the first decoded frame at or after each multiple of the interval. Unlike the fps filter this never
        // duplicates or shifts a frame, and showinfo prints the real presentation time of every frame kept.
        var select = $"select='isnan(prev_selected_t)+gte(floor((t-{start})/{interval})-floor((prev_selected_t-{start})/{interval}),1)'";
        var filter = $"{select},showinfo,scale={request.Width}:{request.Height}";
        var times = new List<(int N, double Seconds)>();

        var processor = FFMpegArguments
            .FromFileInput(request.InputPath, verifyExists: true, o => o.WithCustomArgument(SafeVideoInput))
            .OutputToFile(Path.Combine(request.OutputDirectory, "%06d.jpg"), overwrite: true, o => o
                .WithCustomArgument($"-an -sn -dn -vf \"{filter}\" -fps_mode vfr -q:v 3 -f image2"))
            .NotifyOnStandardError(line =>
            {
                var match = ShowInfoLine().Match(line);
                if (match.Success)
                {
                    lock (times)
                    {
                        times.Add((int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture),
                            double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture)));
                    }
                }
            });
        await RunAsync(processor, "extract frames", progress, request.Duration, cancellationToken);

        var files = Directory.GetFiles(request.OutputDirectory, "*.jpg").Order(StringComparer.Ordinal).ToArray();
        if (files.Length != times.Count)
        {
            throw new MediaException(MediaException.FfmpegFailed,
                $"ffmpeg wrote {files.Length} frames but reported {times.Count}; the frame times cannot be trusted.");
        }

        return times
            .OrderBy(t => t.N)
            .Select((t, i) => new SampledFrame(i, Path.GetFileName(files[i]), Math.Max(0, Math.Round(t.Seconds - request.StartTime.TotalSeconds, 6))))
            .ToArray();
    }

    public Task ResizeImageAsync(string inputPath, string outputPath, int width, CancellationToken cancellationToken)
    {
        var processor = FFMpegArguments
            .FromFileInput(inputPath)
            .OutputToFile(outputPath, overwrite: true, o => o.WithCustomArgument($"-vf scale={width}:-2 -frames:v 1 -q:v 4"));
        return RunAsync(processor, "make a thumbnail", null, null, cancellationToken);
    }

    public Task ExtractAudioAsync(string inputPath, string outputPath, int sampleRate, TimeSpan duration, IProgress<double> progress, CancellationToken cancellationToken)
    {
        var processor = FFMpegArguments
            .FromFileInput(inputPath, verifyExists: true, o => o.WithCustomArgument(SafeVideoInput))
            .OutputToFile(outputPath, overwrite: true, o => o
                .WithCustomArgument($"-vn -sn -dn -map 0:a:0 -ac 1 -ar {sampleRate} -c:a pcm_s16le -bitexact -f wav"));
        return RunAsync(processor, "extract the audio", progress, duration, cancellationToken);
    }

    public async Task<IReadOnlyList<PictureFingerprint>> FingerprintsAsync(string sequencePattern, CancellationToken cancellationToken)
    {
        var pixels = await GrayThumbnailsAsync(
            FFMpegArguments.FromFileInput(sequencePattern, verifyExists: false, o => o.ForceFormat("image2")), "fingerprint the frames", cancellationToken);
        return pixels.Chunk(PictureFingerprint.PixelCount).Select(p => new PictureFingerprint(p)).ToArray();
    }

    public async Task<PictureFingerprint> FingerprintAsync(string imagePath, CancellationToken cancellationToken)
    {
        var input = FFMpegArguments.FromFileInput(imagePath, verifyExists: true, o => o.WithCustomArgument(SafeStillInput));
        byte[] pixels;
        try
        {
            pixels = await GrayThumbnailsAsync(input, "read the picture", cancellationToken, frames: 1);
        }
        catch (MediaException e) when (e.Code == MediaException.FfmpegFailed)
        {
            throw new MediaException(MediaException.NotAVideo, NotAPicture, e);
        }

        return pixels.Length == PictureFingerprint.PixelCount
            ? new PictureFingerprint(pixels)
            : throw new MediaException(MediaException.NotAVideo, NotAPicture);
    }

    public async Task<(int Width, int Height)> PrepareStillAsync(string inputPath, string outputPath, int minShortSide, int maxLongSide, CancellationToken cancellationToken)
    {
        IMediaAnalysis analysis;
        await _slots.WaitAsync(cancellationToken);
        try
        {
            analysis = await FFProbe.AnalyseAsync(inputPath, _ffOptions, SafeStillInput, cancellationToken);
        }
        catch (Exception e) when (e is Win32Exception or FileNotFoundException && File.Exists(inputPath))
        {
            throw tools.NotStarted(tools.Ffprobe, e);
        }
        catch (Exception e) when (e is FFMpegException or FormatException or System.Text.Json.JsonException or FormatNullException)
        {
            await tools.ThrowIfBrokenAsync(tools.Ffprobe, e, cancellationToken);
            throw new MediaException(MediaException.NotAVideo, NotAPicture, e);
        }
        finally
        {
            _slots.Release();
        }

        if (analysis.PrimaryVideoStream is not { Width: > 0, Height: > 0 } picture)
        {
            throw new MediaException(MediaException.NotAVideo, NotAPicture);
        }

        var (width, height) = StillSize((int)picture.Width, (int)picture.Height, minShortSide, maxLongSide);
        var processor = FFMpegArguments
            .FromFileInput(inputPath, verifyExists: true, o => o.WithCustomArgument(SafeStillInput))
            .OutputToFile(outputPath, overwrite: true, o => o.WithCustomArgument($"-vf scale={width}:{height}:flags=lanczos,format=yuvj420p -frames:v 1 -q:v 3 -f image2"));
        await RunAsync(processor, "convert the picture", null, null, cancellationToken);
        return (width, height);
    }

    /// <summary>Scaled up to reach the shortest side allowed, or down to fit the longest, keeping the shape; even sides.</summary>
    internal static (int Width, int Height) StillSize(int width, int height, int minShortSide, int maxLongSide)
    {
        var factor = Math.Max(1.0, (double)minShortSide / Math.Min(width, height));
        factor = Math.Min(factor, (double)maxLongSide / Math.Max(width, height));
        static int Even(double side) => Math.Max(2, (int)Math.Round(side / 2) * 2);
        return (Even(width * factor), Even(height * factor));
    }

    public Task MuxAudioAsync(string videoPath, string audioPath, string outputPath, double durationSeconds, CancellationToken cancellationToken)
    {
        var duration = durationSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        var processor = FFMpegArguments
            .FromFileInput(videoPath, verifyExists: true, o => o.WithCustomArgument(SafeVideoInput))
            .AddFileInput(audioPath, verifyExists: true, o => o.WithCustomArgument("-protocol_whitelist file"))
            .OutputToFile(outputPath, overwrite: true, o => o.WithCustomArgument(
                // apad makes the narration endless silence after it ends; -t then cuts it (or a longer one) at the video's end.
                $"-map 0:v:0 -map 1:a:0 -c:v copy -af apad -c:a aac -b:a 128k -t {duration} -movflags +faststart -f mp4"));
        return RunAsync(processor, "add the narration", null, null, cancellationToken);
    }

    /// <summary>Each picture of the input shrunk to 32×32 grey pixels, raw, one after the other.</summary>
    private async Task<byte[]> GrayThumbnailsAsync(FFMpegArguments input, string what, CancellationToken cancellationToken, int? frames = null)
    {
        using var output = new MemoryStream();
        var limit = frames is { } n ? $" -frames:v {n}" : "";
        var processor = input.OutputToPipe(new StreamPipeSink(output), o => o
            .WithCustomArgument($"-vf scale={PictureFingerprint.Side}:{PictureFingerprint.Side}:flags=area,format=gray{limit} -f rawvideo"));
        await RunAsync(processor, what, null, null, cancellationToken);
        return output.ToArray();
    }

    public Task CutAsync(string inputPath, string outputPath, double startSeconds, double durationSeconds, CancellationToken cancellationToken)
    {
        var start = startSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        var duration = durationSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        var processor = FFMpegArguments
            .FromFileInput(inputPath, verifyExists: true, o => o.WithCustomArgument($"{SafeVideoInput} -ss {start}"))
            .OutputToFile(outputPath, overwrite: true, o => o.WithCustomArgument(
                $"-t {duration} -map 0:v:0 -map 0:a:0? -c:v libx264 -preset veryfast -crf 23 -pix_fmt yuv420p -c:a aac -b:a 128k -movflags +faststart -f mp4"));
        return RunAsync(processor, "cut the clip", null, null, cancellationToken);
    }

    private async Task RunAsync(FFMpegArgumentProcessor processor, string what, IProgress<double>? progress, TimeSpan? duration, CancellationToken cancellationToken)
    {
        if (progress is not null && duration is { } total)
        {
            processor.NotifyOnPercentageProgress(percent => progress.Report(Math.Clamp(percent / 100, 0, 1)), total);
        }

        await _slots.WaitAsync(cancellationToken);
        try
        {
            logger.LogDebug("ffmpeg {Arguments}", processor.Arguments);
            FFMpegResult result;
            try
            {
                // A zero grace period: on cancellation the process is killed, not asked to finish its output.
                result = await processor
                    .CancellableThrough(cancellationToken, TimeSpan.Zero)
                    .ProcessAsynchronously(throwOnError: false, _ffOptions, cancellationToken);
            }
            catch (Win32Exception e)
            {
                throw tools.NotStarted(tools.Ffmpeg, e);
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (!result.Success)
            {
                if (result.StandardError.Any(line => line.Contains(NoSpaceLeft, StringComparison.Ordinal)))
                {
                    throw new MediaException(MediaException.DiskFull,
                        $"The disk is full: ffmpeg could not {what} because the server has no space left. Free space on the server and run the task again.");
                }

                await tools.ThrowIfBrokenAsync(tools.Ffmpeg, null, cancellationToken);
                throw new MediaException(MediaException.FfmpegFailed, $"ffmpeg could not {what} ({Summarise(result.StandardError)}).");
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>
    /// The last meaningful lines ffmpeg printed, which is where it says what went wrong, with every absolute path
    /// cut down to its file name: these messages reach clients, and server paths must not.
    /// </summary>
    internal static string Summarise(IReadOnlyList<string> standardError)
    {
        var meaningful = standardError
            .Select(l => AbsolutePath().Replace(l.Trim(), m => Path.GetFileName(m.Value)))
            .Where(l => l.Length > 0 && !l.StartsWith("frame=", StringComparison.Ordinal) && !l.StartsWith("size=", StringComparison.Ordinal)
                        && !l.Contains("Parsed_showinfo", StringComparison.Ordinal))
            .TakeLast(3);
        var text = string.Join(" ", meaningful);
        return text.Length == 0 ? "no details" : text.Length > 600 ? text[^600..] : text;
    }

    [GeneratedRegex(@"(?<![\w.])/(?:[^\s:'""\\/,]+/)+[^\s:'""\\/,]*")]
    private static partial Regex AbsolutePath();

    [GeneratedRegex(@"Parsed_showinfo.*?\bn:\s*(\d+)\s+pts:\s*-?\d+\s+pts_time:(-?[\d.]+(?:e[-+]?\d+)?)")]
    private static partial Regex ShowInfoLine();

    public void Dispose() => _slots.Dispose();
}
