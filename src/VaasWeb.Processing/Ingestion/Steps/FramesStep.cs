using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Intelligence;
using VaasWeb.Processing.Media;
using VaasWeb.Processing.Search;
using VaasWeb.Processing.Videos;

namespace VaasWeb.Processing.Ingestion.Steps;

/// <summary>One JPEG every <c>FrameIntervalSeconds</c>, fitted within the configured box, plus the board's thumbnail.</summary>
internal sealed class FramesStep(
    IMediaTool media, IDbContextFactory<VaasDbContext> dbFactory, IOptions<IngestionOptions> options, IOptions<IntelligenceOptions> intelligence) : IIngestionStep
{
    public string Name => "frames";
    public double Weight => 6;
    public IngestionLane Lane => IngestionLane.Picture;

    public async Task<StepOutcome> RunAsync(IngestionRun run, IProgress<double> progress, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var info = run.RequireMedia();
        var (width, height) = FitWithin(info.Width, info.Height, o.FrameMaxWidth, o.FrameMaxHeight);
        var directory = run.NewStepDirectory(Name);
        var thumbnail = run.DerivedFile("thumb.jpg");
        try
        {
            var frames = await media.ExtractFramesAsync(
                new FrameExtraction(run.VideoPath, run.Storage.ToAbsolute(directory), o.FrameIntervalSeconds, width, height, info.StartTime, info.Duration),
                StepProgress.Slice(progress, 0, 0.9),
                cancellationToken);
            EnsureFramesCoverVideo(frames, info, o.FrameIntervalSeconds);
            var fingerprints = await media.FingerprintsAsync(Path.Combine(run.Storage.ToAbsolute(directory), "%06d.jpg"), cancellationToken);
            if (fingerprints.Count != frames.Count)
            {
                throw new MediaException(MediaException.FfmpegFailed, $"ffmpeg fingerprinted {fingerprints.Count} of {frames.Count} frames.");
            }

            var groups = LookAlikeGroups(fingerprints, intelligence.Value.Ocr.MinChangedPixels);

            progress.Report(0.97);

            var cover = frames.MinBy(f => Math.Abs(f.TimestampSeconds - info.Duration.TotalSeconds * 0.1))!;
            await media.ResizeImageAsync(
                run.Storage.ToAbsolute($"{directory}/{cover.FileName}"), run.Storage.ToAbsolute(thumbnail), o.ThumbnailWidth, cancellationToken);

            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            db.Frames.AddRange(frames.Select(f => new Frame(run.VideoId, f.Index, f.TimestampSeconds, $"{directory}/{f.FileName}", width, height)
            {
                Hash = fingerprints[f.Index].Hash(),
                Fingerprint = fingerprints[f.Index].Compact(),
                Group = groups[f.Index],
            }));
            var video = await db.Videos.SingleAsync(v => v.Id == run.VideoId, cancellationToken);
            video.ThumbnailPath = thumbnail;
            await db.SaveChangesAsync(cancellationToken);
            progress.Report(1);
            return StepOutcome.Done($"{frames.Count} frames, one every {o.FrameIntervalSeconds:0.###} s, {width}×{height}; {groups.Distinct().Count()} distinct pictures");
        }
        catch
        {
            Directory.Delete(run.Storage.ToAbsolute(directory), recursive: true);
            File.Delete(run.Storage.ToAbsolute(thumbnail));
            throw;
        }
    }

    /// <summary>
    /// Each frame's group: its own index when it differs from the first frame of the current group in at least
    /// <paramref name="minChangedPixels"/> of 1,024 pixels, else that group's.
    /// </summary>
    internal static int[] LookAlikeGroups(IReadOnlyList<PictureFingerprint> fingerprints, int minChangedPixels)
    {
        var groups = new int[fingerprints.Count];
        for (var i = 0; i < fingerprints.Count; i++)
        {
            groups[i] = i > 0 && fingerprints[i].ChangedPixels(fingerprints[groups[i - 1]]) < minChangedPixels ? groups[i - 1] : i;
        }

        return groups;
    }

    /// <summary>The largest size with the same aspect ratio that fits the box; never enlarges.</summary>
    internal static (int Width, int Height) FitWithin(int width, int height, int maxWidth, int maxHeight)
    {
        var scale = Math.Min(1.0, Math.Min((double)maxWidth / width, (double)maxHeight / height));
        return (Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
    }

    /// <summary>
    /// A file cut short still probes with its full duration and ffmpeg exits cleanly after the last readable
    /// frame; comparing the last frame's time with the duration is what tells us the rest is missing.
    /// </summary>
    private static void EnsureFramesCoverVideo(IReadOnlyList<SampledFrame> frames, MediaInfo info, double interval)
    {
        var expectedEnd = info.VideoDuration.TotalSeconds;
        var lastFrame = frames.Count == 0 ? 0 : frames[^1].TimestampSeconds;
        if (frames.Count == 0 || expectedEnd - lastFrame > interval + 1.0)
        {
            throw new MediaException(MediaException.Truncated,
                $"The video's pictures stop at {lastFrame:0.0} s although the file says it lasts {expectedEnd:0.0} s: " +
                "the file is incomplete or damaged. Upload it again.");
        }
    }
}
