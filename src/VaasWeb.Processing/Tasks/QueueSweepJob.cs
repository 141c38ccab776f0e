using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Quartz;
using VaasWeb.Processing.Data;

namespace VaasWeb.Processing.Tasks;

/// <summary>
/// Every minute: each pending task is scheduled (its kind decides what that means). A task saved by a request whose
/// scheduling then failed (or whose trigger was lost) is picked up here instead of waiting forever.
/// </summary>
[DisallowConcurrentExecution]
public sealed class QueueSweepJob(IDbContextFactory<VaasDbContext> dbFactory, TaskQueue queue, TaskKinds kinds, ILogger<QueueSweepJob> logger) : IJob
{
    public static readonly JobKey Key = new("queue-sweep", "maintenance");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var pending = await db.Tasks.AsNoTracking()
            .Where(t => t.State == TaskState.Pending)
            .OrderBy(t => t.CreatedAt)
            .ToListAsync(cancellationToken);
        var scheduled = 0;
        foreach (var task in pending.Where(t => kinds.IsKnown(t.Kind)))
        {
            if (await queue.EnsureScheduledAsync(task, cancellationToken))
            {
                scheduled++;
            }
        }

        if (scheduled > 0)
        {
            logger.LogWarning("Scheduled {Count} pending task(s) that had no trigger", scheduled);
        }
    }
}
