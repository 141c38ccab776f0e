using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Media;
using VaasWeb.Processing.Search;
using VaasWeb.Processing.Storage;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Failures;

namespace VaasWeb.Processing.Clips;

/// <summary>A clip on disk, relative to the media root, and whether an earlier request had already cut it.</summary>
public sealed record Clip(Guid VideoId, double StartSeconds, double EndSeconds, string Path, bool Cached);

/// <summary>
/// Cuts clips around hits with ffmpeg and keeps them under <c>clips/</c> for a while, so the same hit asked for
/// twice is cut once.
/// </summary>
public sealed class ClipService(IDbContextFactory<VaasDbContext> dbFactory, IMediaTool media, MediaStorage storage, ClipPlanner planner, IOptions<ClipOptions> options)
{
    public async Task<Clip> CutAsync(Guid videoId, HitSource source, double startSeconds, double? endSeconds, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var video = await db.Videos.AsNoTracking().FirstOrDefaultAsync(v => v.Id == videoId, cancellationToken)
                    ?? throw new TaskFailureException(ErrorCodes.NotFound, "There is no such video.");
        if (!double.IsFinite(startSeconds) || (endSeconds is { } e && (!double.IsFinite(e) || e < startSeconds)))
        {
            throw new TaskFailureException(ErrorCodes.InvalidSpan, "start must be a number of seconds and end, when given, not before start.");
        }

        var (start, end) = await planner.SpanAsync(db, video, source, startSeconds, endSeconds ?? startSeconds, cancellationToken);
        if (end - start > options.Value.MaxSeconds)
        {
            throw new TaskFailureException(ErrorCodes.ClipTooLong, $"A clip may last at most {options.Value.MaxSeconds:0} s (Clips:MaxSeconds).");
        }

        if (end - start < 0.1)
        {
            throw new TaskFailureException(ErrorCodes.ClipEmpty, "That span is empty once kept inside the video.");
        }

        var relative = storage.ClipRelativePath(videoId, start, end);
        var absolute = storage.ToAbsolute(relative);
        if (File.Exists(absolute))
        {
            File.SetLastWriteTimeUtc(absolute, DateTime.UtcNow);
            return new Clip(videoId, start, end, relative, Cached: true);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(absolute)!);
        var partial = absolute + $".{Guid.NewGuid():N}.part";
        try
        {
            await media.CutAsync(storage.ToAbsolute(video.StoredPath), partial, start, end - start, cancellationToken);
            File.Move(partial, absolute, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }

        return new Clip(videoId, start, end, relative, Cached: false);
    }
}
