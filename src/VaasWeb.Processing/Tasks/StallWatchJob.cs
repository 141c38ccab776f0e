using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;
using VaasWeb.Processing.Data;

namespace VaasWeb.Processing.Tasks;

/// <summary>
/// Nothing hangs silently: every <see cref="TasksOptions.CheckInterval"/>, a running task of a kind that writes progress
/// steadily (<see cref="ITaskKindHandler.WritesProgressSteadily"/>) and has written none for <c>Tasks:StallAfterSeconds</c>
/// is marked stalled (<see cref="ProcessingTask.StalledSince"/>: on the card, in the API, in the pushes); one still silent
/// <c>Tasks:StallGraceSeconds</c> later has its run ended and its kind decides, as after a crash, what comes next (an
/// ingestion runs again as attempt + 1, its history saying why). That covers a run stuck on a live node and a run whose
/// node is gone, on one node or many: in a cluster Quartz fires this job on one node at a time, and every write is
/// conditional on the row as it is then (optimistic concurrency), so a task that moved meanwhile is left alone.
/// </summary>
[DisallowConcurrentExecution]
public sealed class StallWatchJob(
    IDbContextFactory<VaasDbContext> dbFactory,
    TaskLifecycle lifecycle,
    TaskKinds kinds,
    TaskQueue queue,
    RunningTasks running,
    IOptions<TasksOptions> options,
    ILogger<StallWatchJob> logger) : IJob
{
    public static readonly JobKey Key = new("stall-watch", "maintenance");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var watched = kinds.All.Where(k => kinds[k].WritesProgressSteadily).ToArray();
        if (watched.Length == 0)
        {
            return;
        }

        var stallAfter = TimeSpan.FromSeconds(options.Value.StallAfterSeconds);
        var grace = TimeSpan.FromSeconds(options.Value.StallGraceSeconds);
        var now = lifecycle.Now;
        var quietSince = now - stallAfter;
        List<ProcessingTask> silent;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            silent = await db.Tasks.AsNoTracking().Include(t => t.Video)
                .Where(t => t.State == TaskState.InProgress && watched.Contains(t.Kind) && t.UpdatedAt <= quietSince)
                .OrderBy(t => t.UpdatedAt)
                .ToListAsync(cancellationToken);
        }

        foreach (var task in silent.Where(t => t.StalledSince is null))
        {
            if (await lifecycle.ChangeAsync(task.Id, (t, at) => t.MarkStalled(quietSince, at), cancellationToken) is { Changed: true, Task: var marked })
            {
                logger.LogWarning(
                    "Task {TaskId} ({Kind}) has written no progress for {Quiet} during step {Step} of attempt {Attempt} on node {Node}: marked stalled; its run is ended and re-queued if it is still silent in {Grace}",
                    marked.Id, marked.Kind, Describe(now - marked.UpdatedAt), marked.CurrentStep ?? "(none)", marked.Attempt, marked.WorkerId, Describe(grace));
            }
        }

        var due = silent.Where(t => t.StalledSince is { } since && now - since >= grace).ToList();
        foreach (var task in due.Where(t => t.CancelRequestedAt is not null))
        {
            // Someone asked to cancel it and its run never answered: that is the end they asked for, not a retry.
            await lifecycle.ChangeAsync(task.Id, (t, at) => t.FailIfCancelRequested(at, "its run had stopped answering"), cancellationToken);
        }

        foreach (var ofKind in due.GroupBy(t => t.Kind))
        {
            await kinds[ofKind.Key].RecoverStalledAsync(ofKind.Where(t => t.CancelRequestedAt is null).ToList(), (t, at) => StillStalled(t, at, grace), cancellationToken);
        }

        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var dueIds = due.Select(t => t.Id).ToArray();
            var requeued = await db.Tasks.AsNoTracking().Where(t => dueIds.Contains(t.Id) && t.State != TaskState.InProgress).ToListAsync(cancellationToken);
            foreach (var task in requeued)
            {
                // A run still here stops at once (its tools are killed); one on another live node sees the row on its next
                // progress check, within a second; one on a dead node has nothing left to stop.
                running.TryStop(task.Id);
                if (task.State == TaskState.Pending)
                {
                    // A new trigger, replacing the one that fired for the stalled run: while that run winds down, Quartz
                    // still holds its trigger (blocked, then deleted when the job returns), so "schedule if missing" would
                    // see nothing missing and leave the new attempt to the queue sweep, a minute later.
                    await queue.EnqueueAsync(task, cancellationToken);
                }
            }
        }
    }

    /// <summary>On the row as it is when the re-queue is written: still running, still stalled, long enough; in words.</summary>
    private static string? StillStalled(ProcessingTask task, DateTimeOffset now, TimeSpan grace) =>
        task is { State: TaskState.InProgress, StalledSince: { } since, CancelRequestedAt: null } && now - since >= grace
            ? $"stalled on {task.WorkerId ?? "an unknown node"}: no progress for {Describe(now - task.UpdatedAt)}"
            : null;

    private static string Describe(TimeSpan span) => DurationText.Of(span);
}
