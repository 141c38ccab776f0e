using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Accounts;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Storage;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Webhooks;

namespace VaasWeb.Processing.Retention;

/// <summary>What a run would delete now (the dry run), or what a run deleted.</summary>
/// <param name="Cutoff">Tasks that finished before this are old; null when retention is off.</param>
public sealed record RetentionCounts(DateTimeOffset? Cutoff, int Tasks, int WebhookDeliveries);

/// <summary>
/// Deletes finished work older than <c>Retention:TaskDays</c>: finished tasks with their history and steps (the
/// database cascades), a generation's record and its folder (first frame, narration audio), and the webhook deliveries of those tasks
/// that have ended. Each video keeps its newest task. The dry run counts with the same query the run deletes with,
/// so at the same moment both name the same rows. Runs daily (<see cref="RetentionJob"/>) and on an admin's demand,
/// and every run that deleted something is in the audit log.
/// </summary>
public sealed class RetentionService(
    IDbContextFactory<VaasDbContext> dbFactory, MediaStorage storage, AuditTrail audit, IOptions<RetentionOptions> options, TimeProvider clock, ILogger<RetentionService> logger)
{
    private const int Batch = 500;

    public int TaskDays => options.Value.TaskDays;

    public async Task<RetentionCounts> PreviewAsync(CancellationToken cancellationToken = default)
    {
        if (Cutoff() is not { } cutoff)
        {
            return new RetentionCounts(null, 0, 0);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var tasks = Old(db, cutoff);
        return new RetentionCounts(cutoff, await tasks.CountAsync(cancellationToken), await Deliveries(db, tasks).CountAsync(cancellationToken));
    }

    public async Task<RetentionCounts> RunAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        if (Cutoff() is not { } cutoff)
        {
            return new RetentionCounts(null, 0, 0);
        }

        int tasks = 0, deliveries = 0;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var batch = await Old(db, cutoff).OrderBy(t => t.FinishedAt).Select(t => t.Id).Take(Batch).ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                break;
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

        var result = new RetentionCounts(cutoff, tasks, deliveries);
        if (tasks > 0 || deliveries > 0)
        {
            await audit.RecordAsync(actor, AuditActions.Retention, detail: $"{tasks} finished task(s) and {deliveries} webhook delivery(ies) from before {cutoff:yyyy-MM-dd HH:mm} UTC ({TaskDays} days)");
            logger.LogInformation("Retention deleted {Tasks} finished task(s) and {Deliveries} webhook delivery(ies) older than {Days} days", tasks, deliveries, TaskDays);
        }

        return result;
    }

    private DateTimeOffset? Cutoff() => options.Value.Enabled ? clock.GetUtcNow().AddDays(-options.Value.TaskDays) : null;

    /// <summary>Finished before the cutoff, and not the newest task of a video.</summary>
    private static IQueryable<ProcessingTask> Old(VaasDbContext db, DateTimeOffset cutoff) =>
        db.Tasks.Where(t => (t.State == TaskState.Completed || t.State == TaskState.Failed) && t.FinishedAt < cutoff
                            && (t.VideoId == null || db.Tasks.Any(newer => newer.VideoId == t.VideoId && newer.CreatedAt > t.CreatedAt)));

    /// <summary>The ended deliveries of these tasks (one still being sent is left to finish; it goes the next day).</summary>
    private static IQueryable<WebhookDelivery> Deliveries(VaasDbContext db, IQueryable<ProcessingTask> tasks) =>
        db.Set<WebhookDelivery>().Where(d => (d.Status == WebhookDeliveryStatus.Delivered || d.Status == WebhookDeliveryStatus.Failed) && tasks.Any(t => t.Id == d.TaskId));
}
