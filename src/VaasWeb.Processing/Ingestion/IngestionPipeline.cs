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
/// Runs the ingestion steps of one task in order. It first checks that every tool the steps run works, then
/// removes everything an earlier run of the video produced, so re-runs never mix results, and a re-run on a
/// server whose ffmpeg or readers are broken keeps the earlier results; each step is recorded as it starts and ends.
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

    public IReadOnlyList<string> StepNames => _steps.Select(s => s.Name).ToArray();

    /// <summary>Runs every step; returns the optional steps that failed (the required ones throw).</summary>
    public async Task<IReadOnlyList<string>> RunAsync(TaskRun taskRun)
    {
        var task = taskRun.Task ?? throw new InvalidOperationException("An ingestion runs a task it claimed.");
        var video = task.Video ?? throw new InvalidOperationException("An ingestion task needs its video loaded.");
        // Cancelled by Quartz (interrupt, shutdown) or by the progress writer when the row asks to stop.
        var stop = taskRun.Stop;
        var progress = taskRun.Progress;

        await tools.RequireAsync(tools.ForIngestion, stop.Token);
        await ClearOutputsAsync(task, video.Id, stop.Token);
        var run = new IngestionRun(task.Id, video.Id, storage.ToAbsolute(video.StoredPath), storage.DerivedRelativeDirectory(video.Id), storage);
        var total = _steps.Sum(s => s.Weight);
        var done = 0.0;
        var failedOptional = new List<string>();
        var clock = lifecycle.Clock;
        var started = clock.GetTimestamp();
        for (var ordinal = 0; ordinal < _steps.Length; ordinal++)
        {
            var step = _steps[ordinal];
            var before = done;
            progress.Report(step.Name, before / total * 100);
            await progress.FlushAsync(stop.Token);
            var record = await StartStepAsync(task, ordinal, step.Name, stop.Token);
            // The probe may have measured a video whose length was not known yet; the budget follows what is known now.
            var budget = IngestionBudget.For(run.Media?.Duration.TotalSeconds ?? video.DurationSeconds, options.Value);
            var (limit, byTaskDeadline) = budget.LimitFor(clock.GetElapsedTime(started));
            using var outOfTime = new CancellationTokenSource(limit, clock);
            using var stepStop = CancellationTokenSource.CreateLinkedTokenSource(stop.Token, outOfTime.Token);
            using var span = VaasTracing.Source.StartActivity($"ingestion.step {step.Name}");
            span?.SetTag("vaas.step", step.Name);
            var stepStarted = clock.GetTimestamp();
            var stepOutcome = "failed";
            try
            {
                var stepProgress = new StepProgress(f => progress.Report(step.Name, (before + Math.Clamp(f, 0, 1) * step.Weight) / total * 100));
                var outcome = await step.RunAsync(run, stepProgress, stepStop.Token);
                await FinishStepAsync(record, outcome.State, outcome.Detail);
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
                    throw exceeded;
                }

                logger.LogWarning("Optional step {Step} of task {TaskId} ran out of time; going on: {Reason}", step.Name, task.Id, exceeded.Message);
                failedOptional.Add(step.Name);
            }
            catch (Exception e) when (step.IsOptional && e is not OperationCanceledException)
            {
                // An optional extra (captions, embeddings) failing must not cost the user the rest of the work.
                logger.LogWarning(e, "Optional step {Step} of task {TaskId} failed; going on", step.Name, task.Id);
                await FinishStepAsync(record, StepState.Failed, e.Message);
                failedOptional.Add(step.Name);
            }
            catch (Exception e)
            {
                stepOutcome = e is OperationCanceledException ? "stopped" : "failed";
                await FinishStepAsync(record, StepState.Failed, e is OperationCanceledException ? "cancelled" : e.Message);
                throw;
            }
            finally
            {
                metrics.StepEnded(step.Name, stepOutcome, clock.GetElapsedTime(stepStarted));
                span?.SetTag("vaas.step.outcome", stepOutcome);
            }

            done += step.Weight;
        }

        metrics.IngestionFinished(clock.GetElapsedTime(started), run.Media?.Duration.TotalSeconds ?? video.DurationSeconds ?? 0);
        return failedOptional;
    }

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
}
