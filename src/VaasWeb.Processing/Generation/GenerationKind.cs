using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Failures;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Generation.MiniMax;

namespace VaasWeb.Processing.Generation;

/// <summary>
/// Generation tasks need no trigger each: <see cref="GenerationSubmitJob"/> takes queued ones from the database in
/// order, at the rate MiniMax allows, so scheduling one only wakes it. After a crash every generation this node had in
/// flight picks up where it was: polling resumes (spread evenly over one interval, not all at once), results that were
/// being stored are fetched again, and a submit that was being sent is failed as "outcome unknown" rather than sent a
/// second time. Sends of the last minute still count against the submit rate.
/// </summary>
internal sealed class GenerationKind(
    IDbContextFactory<VaasDbContext> dbFactory,
    TaskLifecycle lifecycle,
    GenerationPoller poller,
    GenerationRetrievals retrievals,
    SubmitRateGate gate,
    IOptions<MiniMaxOptions> options,
    ILogger<GenerationKind> logger) : ITaskKindHandler
{
    public TaskKind Kind => TaskKind.Generation;

    public Task ScheduleAsync(IScheduler scheduler, IReadOnlyCollection<ProcessingTask> tasks, CancellationToken cancellationToken) =>
        scheduler.TriggerJob(GenerationSubmitJob.Key, cancellationToken).AsTask();

    /// <summary>Queued generations need no trigger: the submit job looks for them every second.</summary>
    public Task<bool> EnsureScheduledAsync(IScheduler scheduler, ProcessingTask task, CancellationToken cancellationToken) => Task.FromResult(false);

    public async Task RecoverAsync(IReadOnlyList<ProcessingTask> orphaned, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await GenerationSubmitJob.SyncWindowAsync(db, gate, lifecycle.Now, cancellationToken);

        var ids = orphaned.Select(t => t.Id).ToArray();
        var inFlight = await db.Generations.AsNoTracking().Where(g => ids.Contains(g.TaskId)).OrderBy(g => g.AcceptedAt).ToListAsync(cancellationToken);
        var polling = inFlight.Where(g => g.Phase == GenerationPhase.Generating).ToList();
        var interval = options.Value.PollInterval;
        var now = lifecycle.Now;
        for (var i = 0; i < polling.Count; i++)
        {
            var generation = polling[i];
            var firstPoll = now + interval * ((i + 1.0) / polling.Count);
            poller.Track(generation.TaskId, generation.MiniMaxTaskId!, firstPoll, generation.DeadlineAt ?? now + options.Value.Timeout, generation.MiniMaxStatus);
        }

        foreach (var generation in inFlight.Where(g => g.Phase is GenerationPhase.Retrieving or GenerationPhase.Narrating))
        {
            await retrievals.ScheduleAsync(generation.TaskId, TimeSpan.Zero);
        }

        foreach (var generation in inFlight.Where(g => g.Phase is GenerationPhase.Queued or GenerationPhase.Submitting or GenerationPhase.Done))
        {
            await RecoverAsync(generation);
        }

        if (inFlight.Count > 0)
        {
            logger.LogInformation("Resumed {Count} generation(s): {Polling} polling, the rest storing or ended", inFlight.Count, polling.Count);
        }
    }

    private Task<TaskChange?> RecoverAsync(VideoGeneration generation) => generation.Phase switch
    {
        // Claimed but not sent: nothing reached MiniMax, so it simply waits for a slot again.
        GenerationPhase.Queued => lifecycle.EndAsync(generation.TaskId, (task, now) => task.Return("the server stopped before it was sent; queued again", now)),
        GenerationPhase.Submitting => lifecycle.EndAsync(generation.TaskId, (task, now) => task.Fail(ErrorCodes.SubmitOutcomeUnknown,
            "The server stopped while the request was being sent, so it is unknown whether MiniMax has it. It is not sent again by itself, "
            + "so it cannot be made and charged twice; re-run it to send it again.", now)),
        // Everything was stored; only the last write was lost.
        _ => lifecycle.EndAsync(generation.TaskId, (task, now) => task.Complete(now, "completed (recorded after a restart)")),
    };
}
