using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Failures;

namespace VaasWeb.Processing.Generation;

/// <summary>
/// On start, every generation this node had in flight picks up where it was: polling resumes (spread evenly over
/// one interval, not all at once), results that were being stored are fetched again, and a submit that was
/// being sent when the server died is failed as "outcome unknown" rather than sent a second time. Sends of the
/// last minute still count against the submit rate.
/// </summary>
internal sealed class GenerationRecovery(
    IDbContextFactory<VaasDbContext> dbFactory,
    TaskLifecycle lifecycle,
    TaskQueue queue,
    GenerationPoller poller,
    SubmitRateGate gate,
    WorkerIdentity worker,
    IOptions<MiniMaxOptions> options,
    ILogger<GenerationRecovery> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var since = lifecycle.Now - SubmitRateGate.Window;
        gate.Seed(await db.Generations.AsNoTracking()
            .Where(g => g.SubmittedAt != null && g.SubmittedAt > since)
            .Select(g => g.SubmittedAt!.Value)
            .ToListAsync(cancellationToken));

        var inFlight = await db.Tasks.AsNoTracking()
            .Where(t => t.Kind == TaskKind.Generation && t.State == TaskState.InProgress && (t.WorkerId == worker.Id || t.WorkerId == null))
            .Join(db.Generations.AsNoTracking(), t => t.Id, g => g.TaskId, (t, g) => g)
            .OrderBy(g => g.AcceptedAt)
            .ToListAsync(cancellationToken);
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
            await queue.ScheduleRetrievalAsync(generation.TaskId, TimeSpan.Zero);
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

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
