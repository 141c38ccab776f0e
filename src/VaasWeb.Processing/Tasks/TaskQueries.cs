using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Data;

namespace VaasWeb.Processing.Tasks;

/// <summary>Which tasks a list wants; null means any.</summary>
public sealed record TaskFilter(TaskState? State = null, TaskKind? Kind = null, Guid? VideoId = null);

/// <summary>A task as its details page and the API show it: its state, who started it, every change and every step.</summary>
public sealed record TaskDetails(
    TaskSnapshot Task, string? OwnerId, string? OwnerName, IReadOnlyList<TaskHistoryEntry> History, IReadOnlyList<TaskStep> Steps);

/// <summary>
/// The read side of tasks: what pages, the API and the hub show. Commands change tasks (<see cref="TaskCommands"/>,
/// <see cref="TaskLifecycle"/>); reads go through here, as snapshots that nothing can write back.
/// </summary>
public sealed class TaskQueries(IDbContextFactory<VaasDbContext> dbFactory)
{
    /// <summary>The newest tasks (that match <paramref name="filter"/>), newest first.</summary>
    public async Task<IReadOnlyList<TaskSnapshot>> RecentAsync(int limit, TaskFilter? filter = null, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await Matching(db, filter).OrderByDescending(t => t.CreatedAt).Take(limit).ToListAsync(cancellationToken);
        return rows.Select(TaskSnapshot.Of).ToArray();
    }

    /// <summary>Every task that is pending or running, however old.</summary>
    public async Task<IReadOnlyList<TaskSnapshot>> ActiveAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await Matching(db, null).Where(t => t.State == TaskState.Pending || t.State == TaskState.InProgress).ToListAsync(cancellationToken);
        return rows.Select(TaskSnapshot.Of).ToArray();
    }

    public async Task<TaskDetails?> DetailsAsync(Guid taskId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var task = await Matching(db, null).FirstOrDefaultAsync(t => t.Id == taskId, cancellationToken);
        if (task is null)
        {
            return null;
        }

        var history = await db.TaskHistory.AsNoTracking().Where(h => h.TaskId == taskId).OrderBy(h => h.Id).ToListAsync(cancellationToken);
        var steps = await db.TaskSteps.AsNoTracking().Where(s => s.TaskId == taskId).OrderBy(s => s.Attempt).ThenBy(s => s.Ordinal).ToListAsync(cancellationToken);
        return new TaskDetails(TaskSnapshot.Of(task), task.OwnerId, task.OwnerName, history, steps);
    }

    private static IQueryable<ProcessingTask> Matching(VaasDbContext db, TaskFilter? filter)
    {
        var tasks = db.Tasks.AsNoTracking().Include(t => t.Video).AsQueryable();
        if (filter?.State is { } state)
        {
            tasks = tasks.Where(t => t.State == state);
        }

        if (filter?.Kind is { } kind)
        {
            tasks = tasks.Where(t => t.Kind == kind);
        }

        if (filter?.VideoId is { } videoId)
        {
            tasks = tasks.Where(t => t.VideoId == videoId);
        }

        return tasks;
    }
}
