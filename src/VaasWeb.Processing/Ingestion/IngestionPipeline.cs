using System.Runtime.ExceptionServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Media;
using VaasWeb.Processing.Search;
using VaasWeb.Processing.Storage;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Telemetry;

namespace VaasWeb.Processing.Ingestion;

/// <summary>
/// Runs the ingestion steps of one task as <see cref="IngestionPlan"/> orders them: the picture and the sound lanes side
/// by side between the probe and the index. It first checks that every tool the steps run works, then removes
/// everything an earlier run of the video produced, so re-runs never mix results, and a re-run on a server whose ffmpeg
/// or readers are broken keeps the earlier results; each step is recorded as it starts and ends.
/// </summary>
public sealed class IngestionPipeline(
    IEnumerable<IIngestionStep> steps,
    IDbContextFactory<VaasDbContext> dbFactory,
    MediaStorage storage,
    ITextIndex textIndex,
    TaskLifecycle lifecycle,
    ExternalTools tools,
    IOptions<IngestionOptions> options,
    VaasMetrics metrics,
    ILogger<IngestionPipeline> logger)
{
    private readonly IIngestionStep[] _steps = steps.ToArray();

    internal IngestionPlan Plan => field ??= IngestionPlan.Of(_steps);

    /// <summary>Runs every step; returns the optional steps that failed (the required ones throw).</summary>
    public async Task<IReadOnlyList<string>> RunAsync(TaskRun taskRun)
    {
        var task = taskRun.Task ?? throw new InvalidOperationException("An ingestion runs a task it claimed.");
        var video = task.Video ?? throw new InvalidOperationException("An ingestion task needs its video loaded.");
        // Cancelled by Quartz (interrupt, shutdown) or by the progress writer when the row asks to stop.
        var stop = taskRun.Stop.Token;

        await tools.RequireAsync(tools.ForIngestion, stop);
        await ClearOutputsAsync(task, video.Id, stop);
        var attempt = new Attempt(
            task,
            new IngestionRun(task.Id, video.Id, storage.ToAbsolute(video.StoredPath), storage.DerivedRelativeDirectory(video.Id), storage),
            video.DurationSeconds,
            taskRun.Progress,
            new IngestionProgress(_steps, taskRun.Progress.Report),
            lifecycle.Clock.GetTimestamp());
        foreach (var stage in Plan.Stages)
        {
            await RunStageAsync(attempt, stage, stop);
        }

        metrics.IngestionFinished(lifecycle.Clock.GetElapsedTime(attempt.Started), attempt.Run.Media?.Duration.TotalSeconds ?? video.DurationSeconds ?? 0);
        return attempt.FailedOptional();
    }

    /// <summary>
    /// Runs a stage's lanes side by side. The first lane to fail stops the others through their token (which kills their
    /// tools) and its failure is the stage's; a cancel or a shutdown reaches every lane through <paramref name="stop"/>.
    /// </summary>
    private async Task RunStageAsync(Attempt attempt, PlannedStage stage, CancellationToken stop)
    {
        using var beside = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var failure = new FirstFailure(beside);
        await Task.WhenAll(stage.Lanes.Select(lane => Task.Run(() => RunLaneAsync(attempt, lane, failure, stop), CancellationToken.None)));
        if (failure.First is not { } first)
        {
            return;
        }

        if (!stop.IsCancellationRequested)
        {
            // The task's step is where it failed, not the lane stopped because of it (the history and the page say "during step …").
            attempt.Progress.FailedAt(first.Step.Ordinal);
            try
            {
                await attempt.Writer.FlushAsync(CancellationToken.None);
            }
            catch (Exception e)
            {
                // Progress is advisory; the failure below is what the task ends with.
                logger.LogDebug(e, "Writing the failed step of task {TaskId} failed", attempt.Task.Id);
            }
        }

        first.Error.Throw();
    }

    private async Task RunLaneAsync(Attempt attempt, PlannedLane lane, FirstFailure failure, CancellationToken stop)
    {
        foreach (var step in lane.Steps)
        {
            try
            {
                await RunStepAsync(attempt, lane, step, failure, stop);
            }
            catch (Exception e)
            {
                await failure.RecordAsync(lane, step, e);
                return;
            }
        }
    }

    private async Task RunStepAsync(Attempt attempt, PlannedLane lane, PlannedStep planned, FirstFailure failure, CancellationToken stop)
    {
        var (step, ordinal, task, clock) = (planned.Step, planned.Ordinal, attempt.Task, lifecycle.Clock);
        // Cancelled by the run's own stop, and by a failure in a lane running beside this one.
        var laneStop = failure.Token;
        attempt.Progress.Started(ordinal);
        await attempt.Writer.FlushAsync(laneStop);
        var record = await StartStepAsync(task, ordinal, step.Name, laneStop);
        // The probe may have measured a video whose length was not known yet; the budget follows what is known now.
        var budget = IngestionBudget.For(attempt.Run.Media?.Duration.TotalSeconds ?? attempt.VideoSeconds, options.Value);
        var (limit, byTaskDeadline) = budget.LimitFor(clock.GetElapsedTime(attempt.Started));
        using var outOfTime = new CancellationTokenSource(limit, clock);
        using var stepStop = CancellationTokenSource.CreateLinkedTokenSource(laneStop, outOfTime.Token);
        using var span = VaasTracing.Source.StartActivity($"ingestion.step {step.Name}");
        span?.SetTag("vaas.step", step.Name);
        var stepStarted = clock.GetTimestamp();
        var stepOutcome = "failed";
        try
        {
            var outcome = await step.RunAsync(attempt.Run, attempt.Progress.For(ordinal), stepStop.Token);
            await FinishStepAsync(record, outcome.State, outcome.Detail);
            attempt.Progress.Finished(ordinal);
            stepOutcome = outcome.State == StepState.Skipped ? "skipped" : "completed";
        }
        catch (Exception e) when (outOfTime.IsCancellationRequested && !stop.IsCancellationRequested)
        {
            // The budget ran out (the step's tools are killed by the same token); whatever the step threw on its way
            // out is a consequence. A cancel or a shutdown (the run's own token) keeps its own meaning.
            var exceeded = budget.Exceeded(step.Name, byTaskDeadline);
            stepOutcome = "timed_out";
            logger.LogDebug(e, "Step {Step} of task {TaskId} ran out of time", step.Name, task.Id);
            await FinishStepAsync(record, StepState.Failed, exceeded.Message);
            if (!step.IsOptional || byTaskDeadline)
            {
                attempt.Progress.Ended(ordinal);
                throw exceeded;
            }

            logger.LogWarning("Optional step {Step} of task {TaskId} ran out of time; going on: {Reason}", step.Name, task.Id, exceeded.Message);
            attempt.OptionalFailed(planned);
        }
        catch (Exception e) when (laneStop.IsCancellationRequested && !stop.IsCancellationRequested && failure.First is { } culprit)
        {
            // Not this step's failure: a step beside it failed, and this one was stopped so that the task ends now.
            stepOutcome = "stopped";
            logger.LogDebug(e, "Step {Step} of task {TaskId} stopped because {Failed} failed", step.Name, task.Id, culprit.Step.Step.Name);
            await FinishStepAsync(record, StepState.Stopped,
                $"stopped because the {Describe(culprit.Lane.Lane)} side failed (step {culprit.Step.Step.Name}); this step had not failed");
            attempt.Progress.Ended(ordinal);
            throw;
        }
        catch (Exception e) when (step.IsOptional && e is not OperationCanceledException)
        {
            // An optional extra (captions, embeddings) failing must not cost the user the rest of the work.
            logger.LogWarning(e, "Optional step {Step} of task {TaskId} failed; going on", step.Name, task.Id);
            await FinishStepAsync(record, StepState.Failed, e.Message);
            attempt.OptionalFailed(planned);
        }
        catch (Exception e)
        {
            stepOutcome = e is OperationCanceledException ? "stopped" : "failed";
            await FinishStepAsync(record, StepState.Failed, e is OperationCanceledException ? "cancelled" : e.Message);
            attempt.Progress.Ended(ordinal);
            throw;
        }
        finally
        {
            metrics.StepEnded(step.Name, stepOutcome, clock.GetElapsedTime(stepStarted));
            span?.SetTag("vaas.step.outcome", stepOutcome);
        }
    }

    private static string Describe(IngestionLane lane) => lane.ToString().ToLowerInvariant();

    private async Task ClearOutputsAsync(ProcessingTask task, Guid videoId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // A run handed back at shutdown keeps its attempt number; its step rows are replaced by this run's.
        await db.TaskSteps.Where(s => s.TaskId == task.Id && s.Attempt == task.Attempt).ExecuteDeleteAsync(cancellationToken);
        await textIndex.RemoveVideoAsync(videoId, cancellationToken);
        await db.TextEmbeddings.Where(e => e.VideoId == videoId).ExecuteDeleteAsync(cancellationToken);
        await db.Chapters.Where(c => c.VideoId == videoId).ExecuteDeleteAsync(cancellationToken);
        await db.TextSegments.Where(s => s.VideoId == videoId).ExecuteDeleteAsync(cancellationToken);
        await db.Frames.Where(f => f.VideoId == videoId).ExecuteDeleteAsync(cancellationToken);
        await db.AudioChunks.Where(c => c.VideoId == videoId).ExecuteDeleteAsync(cancellationToken);
        await db.Videos.Where(v => v.Id == videoId).ExecuteUpdateAsync(s => s.SetProperty(v => v.ThumbnailPath, (string?)null), cancellationToken);
        storage.DeleteDerived(videoId);
    }

    private async Task<TaskStep> StartStepAsync(ProcessingTask task, int ordinal, string name, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var step = new TaskStep(task.Id, task.Attempt, ordinal, name, lifecycle.Now);
        db.TaskSteps.Add(step);
        await db.SaveChangesAsync(cancellationToken);
        return step;
    }

    private async Task FinishStepAsync(TaskStep step, StepState state, string detail)
    {
        // Recorded even when the work was cancelled, so the history says where it stopped; unless recovery already
        // said (a watchdog that re-queued a stalled run marked its step interrupted, and that is what happened).
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        var now = lifecycle.Now;
        await db.TaskSteps.Where(s => s.Id == step.Id && s.State == StepState.Running).ExecuteUpdateAsync(s => s
            .SetProperty(t => t.State, state)
            .SetProperty(t => t.Detail, detail)
            .SetProperty(t => t.FinishedAt, now), CancellationToken.None);
    }

    /// <summary>What the steps of one run share, whichever lane they are in.</summary>
    private sealed class Attempt(ProcessingTask task, IngestionRun run, double? videoSeconds, TaskProgress writer, IngestionProgress progress, long started)
    {
        private readonly List<PlannedStep> _failedOptional = [];

        public ProcessingTask Task { get; } = task;
        public IngestionRun Run { get; } = run;

        /// <summary>The video's length as the task was claimed; the probe's measure, once there, wins.</summary>
        public double? VideoSeconds { get; } = videoSeconds;

        /// <summary>Thread-safe: the lanes flush at their step boundaries.</summary>
        public TaskProgress Writer { get; } = writer;

        public IngestionProgress Progress { get; } = progress;

        /// <summary>When the run's steps began (the task's deadline counts from here).</summary>
        public long Started { get; } = started;

        public void OptionalFailed(PlannedStep step)
        {
            Progress.Finished(step.Ordinal);
            lock (_failedOptional)
            {
                _failedOptional.Add(step);
            }
        }

        public IReadOnlyList<string> FailedOptional()
        {
            lock (_failedOptional)
            {
                return _failedOptional.OrderBy(s => s.Ordinal).Select(s => s.Step.Name).ToArray();
            }
        }
    }

    /// <summary>The first failure among lanes running side by side; recording it stops the lanes still running.</summary>
    private sealed class FirstFailure(CancellationTokenSource beside)
    {
        private readonly Lock _gate = new();
        private (PlannedLane Lane, PlannedStep Step, ExceptionDispatchInfo Error)? _first;

        public CancellationToken Token => beside.Token;

        public (PlannedLane Lane, PlannedStep Step, ExceptionDispatchInfo Error)? First
        {
            get
            {
                lock (_gate)
                {
                    return _first;
                }
            }
        }

        public async Task RecordAsync(PlannedLane lane, PlannedStep step, Exception error)
        {
            lock (_gate)
            {
                _first ??= (lane, step, ExceptionDispatchInfo.Capture(error));
            }

            await beside.CancelAsync();
        }
    }
}
