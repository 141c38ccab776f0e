using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Accounts;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Storage;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Videos;
using VaasWeb.Processing.Webhooks;

namespace VaasWeb.Processing.Retention;

/// <summary>What a run would delete now (the dry run), or what a run deleted.</summary>
/// <param name="TaskCutoff">Tasks that finished before this are old; null when task retention is off.</param>
/// <param name="VideoCutoff">Videos not opened since this are old; null when video retention is off.</param>
public sealed record RetentionCounts(DateTimeOffset? TaskCutoff, int Tasks, int WebhookDeliveries, DateTimeOffset? VideoCutoff = null, int Videos = 0)
{
    public bool Any => Tasks + WebhookDeliveries + Videos > 0;
}

/// <summary>
/// Deletes old work. Videos nobody opened for <c>Retention:VideoDays</c> (off by default) go first, as an admin's
/// delete would take them (files, derived files, index, tasks; one audited <c>video.delete</c> each), unless a task of
/// theirs is waiting or running. Then finished tasks older than <c>Retention:TaskDays</c>: with their history and
/// steps (the database cascades), a generation's record and its folder (first frame, narration audio), and the
/// webhook deliveries of those tasks that have ended; each video keeps its newest task. The dry run counts with the
/// same queries the run deletes with, so at the same moment both name the same rows. Runs daily
/// (<see cref="RetentionJob"/>) and on an admin's demand; every run that deleted something is audited.
/// </summary>
public sealed class RetentionService(
    IDbContextFactory<VaasDbContext> dbFactory, VideoDeletion deletion, MediaStorage storage, AuditTrail audit,
    IOptions<RetentionOptions> options, TimeProvider clock, ILogger<RetentionService> logger)
{
    private const int Batch = 500;

    public RetentionOptions Settings => options.Value;

    public async Task<RetentionCounts> PreviewAsync(CancellationToken cancellationToken = default)
    {
        var (taskCutoff, videoCutoff) = Cutoffs();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var videos = videoCutoff is { } v ? await UnopenedVideos(db, v).CountAsync(cancellationToken) : 0;
        if (taskCutoff is not { } cutoff)
        {
            return new RetentionCounts(null, 0, 0, videoCutoff, videos);
        }

        // The tasks the deleted videos take with them are not counted twice.
        var tasks = OldTasks(db, cutoff, videoCutoff);
        return new RetentionCounts(cutoff, await tasks.CountAsync(cancellationToken), await Deliveries(db, tasks).CountAsync(cancellationToken), videoCutoff, videos);
    }

    public async Task<RetentionCounts> RunAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        var (taskCutoff, videoCutoff) = Cutoffs();
        var videos = videoCutoff is { } v ? await DeleteVideosAsync(v, actor, cancellationToken) : 0;
        var (tasks, deliveries) = taskCutoff is { } t ? await DeleteTasksAsync(t, cancellationToken) : (0, 0);

        var result = new RetentionCounts(taskCutoff, tasks, deliveries, videoCutoff, videos);
        if (result.Any)
        {
            var what = string.Join("; ", new[]
            {
                videoCutoff is { } vc ? $"{videos} video(s) not opened since {vc:yyyy-MM-dd HH:mm} UTC ({Settings.VideoDays} days)" : null,
                taskCutoff is { } tc ? $"{tasks} finished task(s) and {deliveries} webhook delivery(ies) from before {tc:yyyy-MM-dd HH:mm} UTC ({Settings.TaskDays} days)" : null,
            }.Where(s => s is not null));
            await audit.RecordAsync(actor, AuditActions.Retention, detail: what);
            logger.LogInformation("Retention deleted {What}", what);
        }

        return result;
    }

    private (DateTimeOffset? Tasks, DateTimeOffset? Videos) Cutoffs()
    {
        var now = clock.GetUtcNow();
        return (Settings.TaskDays > 0 ? now.AddDays(-Settings.TaskDays) : null, Settings.VideoDays > 0 ? now.AddDays(-Settings.VideoDays) : null);
    }

    private async Task<int> DeleteVideosAsync(DateTimeOffset cutoff, Actor actor, CancellationToken cancellationToken)
    {
        List<Guid> ids;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            ids = await UnopenedVideos(db, cutoff).Select(v => v.Id).ToListAsync(cancellationToken);
        }

        var deleted = 0;
        foreach (var id in ids)
        {
            // The delete checks again, in its transaction, that nothing was queued for the video meanwhile.
            var (outcome, detail) = await deletion.DeleteAsync(id, actor, cancellationToken);
            if (outcome == DeleteVideoOutcome.Deleted)
            {
                deleted++;
            }
            else if (outcome != DeleteVideoOutcome.NotFound)
            {
                logger.LogInformation("Retention left video {VideoId}: {Detail}", id, detail);
            }
        }

        return deleted;
    }

    private async Task<(int Tasks, int Deliveries)> DeleteTasksAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        int tasks = 0, deliveries = 0;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var batch = await OldTasks(db, cutoff, null).OrderBy(t => t.FinishedAt).Select(t => t.Id).Take(Batch).ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                return (tasks, deliveries);
            }

            var generations = await db.Generations.Where(g => batch.Contains(g.TaskId)).Select(g => g.TaskId).ToListAsync(cancellationToken);
            await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
            {
                deliveries += await Deliveries(db, db.Tasks.Where(t => batch.Contains(t.Id))).ExecuteDeleteAsync(cancellationToken);
                tasks += await db.Tasks.Where(t => batch.Contains(t.Id)).ExecuteDeleteAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            // The rows are gone; the files only they pointed at go too.
            foreach (var generation in generations)
            {
                try
                {
                    storage.DeleteGeneration(generation);
                }
                catch (IOException e)
                {
                    logger.LogWarning(e, "The folder of deleted generation {TaskId} could not be removed", generation);
                }
            }
        }
    }

    /// <summary>Not opened (nor added) since the cutoff, and no task of theirs waiting or running.</summary>
    private static IQueryable<Video> UnopenedVideos(VaasDbContext db, DateTimeOffset cutoff) =>
        db.Videos.Where(v => (v.LastOpenedAt ?? v.CreatedAt) < cutoff
                             && !db.Tasks.Any(t => (t.State == TaskState.Pending || t.State == TaskState.InProgress)
                                                   && (t.VideoId == v.Id || db.Generations.Any(g => g.TaskId == t.Id && (g.ResultVideoId == v.Id || g.NarratedVideoId == v.Id)))));

    /// <summary>Finished before the cutoff, not the newest task of a video, and not a task of a video retention deletes anyway.</summary>
    private static IQueryable<ProcessingTask> OldTasks(VaasDbContext db, DateTimeOffset cutoff, DateTimeOffset? videoCutoff)
    {
        var tasks = db.Tasks.Where(t => (t.State == TaskState.Completed || t.State == TaskState.Failed) && t.FinishedAt < cutoff
                                        && (t.VideoId == null || db.Tasks.Any(newer => newer.VideoId == t.VideoId && newer.CreatedAt > t.CreatedAt)));
        if (videoCutoff is { } v)
        {
            var unopened = UnopenedVideos(db, v).Select(video => video.Id);
            tasks = tasks.Where(t => t.VideoId == null || !unopened.Contains(t.VideoId.Value));
        }

        return tasks;
    }

    /// <summary>The ended deliveries of these tasks (one still being sent is left to finish; it goes the next day).</summary>
    private static IQueryable<WebhookDelivery> Deliveries(VaasDbContext db, IQueryable<ProcessingTask> tasks) =>
        db.Set<WebhookDelivery>().Where(d => (d.Status == WebhookDeliveryStatus.Delivered || d.Status == WebhookDeliveryStatus.Failed) && tasks.Any(t => t.Id == d.TaskId));
}
