using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using VaasWeb.Processing.Accounts;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Search;
using VaasWeb.Processing.Storage;
using VaasWeb.Processing.Tasks;

namespace VaasWeb.Processing.Videos;

public enum DeleteVideoOutcome
{
    Deleted,
    NotFound,

    /// <summary>A task of the video is pending or running; cancel it first.</summary>
    Busy,

    /// <summary>The caller may not delete this video (see the detail).</summary>
    Refused,
}

/// <summary>Deletes a video with everything made from it: rows (tasks, frames, text, index) and files.</summary>
public sealed class VideoDeletion(
    IDbContextFactory<VaasDbContext> dbFactory,
    ITextIndex textIndex,
    MediaStorage storage,
    AuditTrail audit,
    ILogger<VideoDeletion> logger)
{
    /// <summary>Deletes any video (admins; the caller checked).</summary>
    public Task<(DeleteVideoOutcome Outcome, string? Detail)> DeleteAsync(Guid videoId, Actor by, CancellationToken cancellationToken) =>
        DeleteAsync(videoId, by, refuse: null, cancellationToken);

    /// <summary>
    /// Deletes a copy its uploader decided not to keep: only their own upload, and only while another video with
    /// the same bytes stays in the library, so nothing anyone uploaded is lost.
    /// </summary>
    public Task<(DeleteVideoOutcome Outcome, string? Detail)> DeleteCopyAsync(Guid videoId, Actor by, CancellationToken cancellationToken) =>
        DeleteAsync(videoId, by, async (db, video) =>
        {
            if (by.UserId is null || video.OwnerId != by.UserId)
            {
                return "Only the person who uploaded this copy may drop it.";
            }

            var original = await db.Videos.AnyAsync(v => v.Id != video.Id && v.Sha256 != null && v.Sha256 == video.Sha256, cancellationToken);
            return original ? null : "There is no other video with the same bytes: this is not a copy, so it stays.";
        }, cancellationToken);

    private async Task<(DeleteVideoOutcome Outcome, string? Detail)> DeleteAsync(
        Guid videoId, Actor by, Func<VaasDbContext, Video, Task<string?>>? refuse, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var video = await db.Videos.AsNoTracking().FirstOrDefaultAsync(v => v.Id == videoId, cancellationToken);
        if (video is null)
        {
            return (DeleteVideoOutcome.NotFound, null);
        }

        // Rows first, in one transaction (the database cascades to tasks, frames, chunks and text), files after:
        // a crash in between leaves unreferenced files, never rows that point at missing files. The busy check is
        // inside it, so no task can be queued for the video between the check and the delete.
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var active = await db.Tasks.AsNoTracking()
                .Where(t => t.State == TaskState.Pending || t.State == TaskState.InProgress)
                .Where(t => t.VideoId == videoId
                            || db.Generations.Any(g => g.TaskId == t.Id && (g.ResultVideoId == videoId || g.NarratedVideoId == videoId)))
                .Select(t => t.Id).FirstOrDefaultAsync(cancellationToken);
            if (active != Guid.Empty)
            {
                return (DeleteVideoOutcome.Busy, $"Task {active} of this video is pending or running; cancel it first.");
            }

            if (refuse is not null && await refuse(db, video) is { } reason)
            {
                return (DeleteVideoOutcome.Refused, reason);
            }

            await textIndex.RemoveVideoAsync(db, videoId, cancellationToken);
            await db.Videos.Where(v => v.Id == videoId).ExecuteDeleteAsync(cancellationToken);
            audit.Add(db, by, AuditActions.VideoDelete, "video", videoId.ToString(), $"{video.OriginalFileName} ({video.StoredPath})");
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        try
        {
            storage.DeleteVideo(videoId, video.StoredPath);
        }
        catch (IOException e)
        {
            logger.LogWarning(e, "Video {VideoId} is deleted but some of its files could not be removed", videoId);
        }

        return (DeleteVideoOutcome.Deleted, null);
    }
}
