using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;
using VaasWeb.Processing.Cluster;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Failures;
using VaasWeb.Processing.Generation.MiniMax;
using VaasWeb.Processing.Storage;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Telemetry;

namespace VaasWeb.Processing.Generation;

/// <summary>
/// Sends queued generations to MiniMax, oldest first, never more than <see cref="MiniMaxOptions.SubmitPerMinute"/>
/// in any minute. Runs every second and whenever a generation is queued; one run at a time, so sends are serial
/// and the rate gate is exact. The request is marked as being sent before it leaves and MiniMax's task id is
/// written the moment it comes back: a submit that may have reached MiniMax is never sent again.
/// </summary>
[DisallowConcurrentExecution]
public sealed class GenerationSubmitJob(
    IDbContextFactory<VaasDbContext> dbFactory,
    TaskLifecycle lifecycle,
    TaskRunner runner,
    MiniMaxClient client,
    SubmitRateGate gate,
    GenerationPoller poller,
    GenerationRetrievals retrievals,
    GenerationCallbacks callbacks,
    MediaStorage storage,
    IHostApplicationLifetime lifetime,
    ClusterMode cluster,
    IOptions<MiniMaxOptions> options,
    VaasMetrics metrics,
    ILogger<GenerationSubmitJob> logger) : IJob
{
    public static readonly JobKey Key = new("generation-submit", "generation");

    /// <summary>A send is not cancelled halfway (MiniMax may have it by then); a cancel request is honoured once it returns.</summary>
    private static readonly TaskRunPolicy Policy = new("submitting", StopsWithHost: false);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (!options.Value.IsConfigured)
        {
            return;
        }

        while (!cancellationToken.IsCancellationRequested && !lifetime.ApplicationStopping.IsCancellationRequested && gate.WaitTime() == TimeSpan.Zero)
        {
            var next = await NextQueuedAsync(cancellationToken);
            if (next is null)
            {
                return;
            }

            if (cluster.IsClustered)
            {
                // Other nodes' sends count too: the window is what the database recorded (only when something waits).
                await SyncWindowAsync(cancellationToken);
                if (gate.WaitTime() > TimeSpan.Zero)
                {
                    gate.NoteHeldBack();
                    return;
                }
            }

            if (gate.EndHeldBack() is { } waited)
            {
                metrics.SubmitHeldBack(waited);
            }

            await runner.ClaimAndRunAsync(next.Value, Policy, SubmitAsync, cancellationToken);
        }

        if (gate.WaitTime() > TimeSpan.Zero && await NextQueuedAsync(cancellationToken) is not null)
        {
            // The rate limit keeps a generation waiting: counted once per wait, with its length, when it ends.
            gate.NoteHeldBack();
        }
    }

    private async Task SyncWindowAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await SyncWindowAsync(db, gate, lifecycle.Now, cancellationToken);
    }

    /// <summary>The rate window becomes the sends of the last minute that the database recorded (a restart, other nodes).</summary>
    internal static async Task SyncWindowAsync(VaasDbContext db, SubmitRateGate gate, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var since = now - SubmitRateGate.Window;
        gate.Seed(await db.Generations.AsNoTracking()
            .Where(g => g.SubmittedAt != null && g.SubmittedAt > since)
            .Select(g => g.SubmittedAt!.Value)
            .ToListAsync(cancellationToken));
    }

    private async Task<Guid?> NextQueuedAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Tasks.AsNoTracking()
            .Where(t => t.State == TaskState.Pending && t.Kind == TaskKind.Generation)
            .OrderBy(t => t.CreatedAt)
            .Select(t => (Guid?)t.Id)
            .FirstOrDefaultAsync(cancellationToken);
    }

    private async Task<TaskOutcome> SubmitAsync(TaskRun run)
    {
        var taskId = run.TaskId;
        VideoGeneration? generation = null;
        var phase = GenerationPhase.Submitting;
        var started = await lifecycle.ChangeAsync(taskId, async (db, task, now) =>
        {
            if (task.FailIfCancelRequested(now))
            {
                return true;
            }

            generation = await db.Generations.FirstAsync(g => g.TaskId == taskId);
            phase = generation.ResumePhase();
            if (phase == GenerationPhase.Submitting)
            {
                // Written before the request leaves: after a crash from here on, nobody knows whether MiniMax has it.
                DeleteOutputsOfEarlierRun(generation);
                generation.BeginSubmit(now);
                return task.ReportStep(GenerationSteps.Submit, 1, "sending the request to MiniMax", now);
            }

            generation.Resume(phase);
            return task.ReportStep(phase == GenerationPhase.Retrieving ? GenerationSteps.Download : GenerationSteps.Narrate,
                GenerationSteps.ProgressOf(phase), "resuming where the last run stopped", now);
        }, CancellationToken.None);
        if (started is not { Changed: true, Task.State: TaskState.InProgress } || generation is null)
        {
            return TaskOutcome.HandedOn;
        }

        if (phase != GenerationPhase.Submitting)
        {
            // MiniMax already made this video: fetch it (again) rather than pay for a new one.
            await retrievals.ScheduleAsync(taskId, TimeSpan.Zero);
            return TaskOutcome.HandedOn;
        }

        string miniMaxTaskId;
        try
        {
            var request = new VideoGenerationRequest(generation.Model, generation.Prompt.Length == 0 ? null : generation.Prompt,
                generation.PromptOptimizer, await FirstFrameDataUrlAsync(generation), generation.DurationSeconds, generation.Resolution,
                callbacks.UrlFor(taskId));
            miniMaxTaskId = await client.SubmitAsync(request, CancellationToken.None);
        }
        catch (MiniMaxException e) when (!e.MayHaveReachedServer && e.IsTransient)
        {
            await RequeueAsync(taskId, e);
            return TaskOutcome.HandedOn;
        }
        catch (MiniMaxException e) when (e.MayHaveReachedServer)
        {
            logger.LogWarning("Generation {TaskId}: the submit's outcome is unknown ({Code})", taskId, e.MiniMaxCode);
            throw new TaskFailureException(ErrorCodes.SubmitOutcomeUnknown,
                $"The request may have reached MiniMax, but no usable answer came back ({e.Message}). It is not sent again by itself, "
                + "so it cannot be made and charged twice; re-run it to send it again.", e);
        }

        // Logged before anything else can fail: from here on, MiniMax's id is what avoids paying twice.
        logger.LogInformation("Generation {TaskId} accepted by MiniMax as task {MiniMaxTaskId}", taskId, miniMaxTaskId);
        try
        {
            await AcceptedAsync(taskId, miniMaxTaskId, run.Stop);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Generation {TaskId}: MiniMax task {MiniMaxTaskId} could not be recorded", taskId, miniMaxTaskId);
            throw new TaskFailureException(ErrorCodes.SubmitOutcomeUnknown,
                $"MiniMax accepted the request as task {miniMaxTaskId}, but it could not be recorded ({e.Message}); "
                + "its result is not fetched. Re-running sends a new, charged request.", e);
        }

        return TaskOutcome.HandedOn;
    }

    private async Task AcceptedAsync(Guid taskId, string miniMaxTaskId, CancellationTokenSource stop)
    {
        var timeout = options.Value.Timeout;
        var change = await lifecycle.ChangeRunningAsync(taskId, async (db, task, now) =>
        {
            var generation = await db.Generations.FirstAsync(g => g.TaskId == taskId);
            generation.Accept(miniMaxTaskId, now, timeout);
            if (task.FailIfCancelRequested(now, $"MiniMax had already accepted it as task {miniMaxTaskId}, whose result is not fetched"))
            {
                return true;
            }

            return task.ReportStep(GenerationSteps.Generate, GenerationSteps.ProgressOf(GenerationPhase.Generating), $"MiniMax task {miniMaxTaskId}: submitted", now);
        });
        if (change is { Task.State: TaskState.InProgress })
        {
            poller.Track(taskId, miniMaxTaskId, lifecycle.Now + options.Value.PollInterval, lifecycle.Now + timeout);
            // A cancel that reached this job before the poller registered for it is handed on.
            if (stop.IsCancellationRequested)
            {
                poller.Stop(taskId);
            }
        }
    }

    /// <summary>MiniMax turned the request away (or it never left): it keeps its place in the queue and tries again.</summary>
    private async Task RequeueAsync(Guid taskId, MiniMaxException e)
    {
        var giveUpAfter = options.Value.Timeout;
        await lifecycle.ChangeRunningAsync(taskId, async (db, task, now) =>
        {
            if (task.FailIfCancelRequested(now, "it was not sent"))
            {
                return true;
            }

            var generation = await db.Generations.FirstAsync(g => g.TaskId == taskId);
            if (now - generation.CreatedAt > giveUpAfter)
            {
                task.Fail(e.Code, $"MiniMax did not take the request within {giveUpAfter.TotalMinutes:0} minutes; last answer: {e.Message}", now);
                return true;
            }

            generation.Requeue(e.Message);
            task.Return($"not sent: {e.Message}", now);
            task.NoteWaiting($"not sent: {e.Message}; waiting for the next submit slot", now);
            return true;
        });
        // However many wait, none is sent before MiniMax had a moment (or said how long: Polly honoured Retry-After).
        gate.Pause(options.Value.SubmitBackoff);
        logger.LogInformation("Generation {TaskId} goes back to the queue: {Message}", taskId, e.Message);
    }

    private async Task<string?> FirstFrameDataUrlAsync(VideoGeneration generation)
    {
        if (generation.FirstFramePath is null)
        {
            return null;
        }

        var bytes = await File.ReadAllBytesAsync(storage.ToAbsolute(generation.FirstFramePath));
        return "data:image/jpeg;base64," + Convert.ToBase64String(bytes);
    }

    /// <summary>A new request replaces the narration of the last run; stored videos stay in the library.</summary>
    private void DeleteOutputsOfEarlierRun(VideoGeneration generation)
    {
        var narration = storage.ToAbsolute(storage.GenerationRelativeDirectory(generation.TaskId) + "/" + GenerationRetrieveJob.NarrationFileName);
        File.Delete(narration);
    }
}

/// <summary>The steps of a generation task as the board shows them, and how far along each puts it.</summary>
public static class GenerationSteps
{
    public const string Submit = "submit";
    public const string Generate = "generate";
    public const string Download = "download";
    public const string Narrate = "narrate";

    public static double ProgressOf(GenerationPhase phase) => phase switch
    {
        GenerationPhase.Queued or GenerationPhase.Submitting => 1,
        GenerationPhase.Generating => 5,
        GenerationPhase.Retrieving => 60,
        GenerationPhase.Narrating => 90,
        _ => 100,
    };

    /// <summary>MiniMax says no more than its status; these milestones are where each status puts the task.</summary>
    public static double ProgressOf(MiniMaxTaskStatus status) => status switch
    {
        MiniMaxTaskStatus.Preparing => 10,
        MiniMaxTaskStatus.Queueing => 20,
        MiniMaxTaskStatus.Processing or MiniMaxTaskStatus.Running => 35,
        _ => 60,
    };
}
