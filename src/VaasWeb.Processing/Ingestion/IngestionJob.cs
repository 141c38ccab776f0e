using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;
using VaasWeb.Processing.Media;
using VaasWeb.Processing.Storage;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Failures;

namespace VaasWeb.Processing.Ingestion;

/// <summary>
/// Runs one ingestion task. There is one Quartz job per video and one trigger per task, so two ingestions of
/// the same video never overlap; the "ingestion" execution group caps how many run at once.
/// </summary>
[DisallowConcurrentExecution]
public sealed class IngestionJob(
    TaskLifecycle lifecycle,
    IngestionPipeline pipeline,
    WorkerIdentity worker,
    RunningTasks running,
    IHostApplicationLifetime lifetime,
    ILogger<IngestionJob> logger) : IJob
{
    public const string ExecutionGroup = "ingestion";

    public static JobKey KeyFor(Guid videoId) => new(videoId.ToString("N"), "ingestion");

    public static IJobDetail Describe(Guid videoId) =>
        JobBuilder.Create<IngestionJob>().WithIdentity(KeyFor(videoId)).StoreDurably().Build();

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var taskId = TaskQueue.TaskIdOf(context);
        var claim = await lifecycle.ChangeAsync(taskId, (task, now) => task.TryStart(worker.Id, now), cancellationToken);
        if (claim is not { Changed: true })
        {
            logger.LogInformation("Task {TaskId} is no longer pending; nothing to run", taskId);
            return;
        }

        // Quartz cancels on interrupt; the host's stopping token makes a shutdown kill ffmpeg at once, and the
        // scheduler then waits for this job to hand its task back before the process exits.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        using var registration = running.Register(taskId, stop);
        try
        {
            var failedOptional = await pipeline.RunAsync(claim.Task, stop.Token);
            var reason = failedOptional.Count == 0
                ? "completed"
                : $"completed; optional step(s) failed: {string.Join(", ", failedOptional)} (see the step details)";
            await EndAsync(taskId, (task, now) => task.Complete(now, reason));
            logger.LogInformation("Ingested video {VideoId} (task {TaskId})", claim.Task.VideoId, taskId);
        }
        catch (OperationCanceledException e)
        {
            await EndCancelledAsync(taskId, lifetime.ApplicationStopping.IsCancellationRequested, e);
        }
        catch (TaskFailureException e)
        {
            logger.LogInformation("Task {TaskId} failed: {Code} {Message}", taskId, e.Code, e.Message);
            await EndAsync(taskId, (task, now) => task.Fail(e.Code, e.Message, now));
        }
        catch (Exception e) when (DiskFull.Is(e))
        {
            // An operator must act, but nothing is wrong with the code or the video: a warning with the reason.
            logger.LogWarning("Task {TaskId} failed: the disk is full ({Message})", taskId, e.Message);
            await EndAsync(taskId, (task, now) => task.Fail(MediaException.DiskFull, DiskFull.Sentence, now));
        }
        catch (Exception e)
        {
            logger.LogError(e, "Task {TaskId} failed unexpectedly", taskId);
            await EndAsync(taskId, (task, now) => task.Fail(ErrorCodes.InternalError, $"Unexpected error: {e.Message}", now));
        }
    }

    private async Task EndCancelledAsync(Guid taskId, bool hostStopping, OperationCanceledException e)
    {
        var current = await lifecycle.GetSnapshotAsync(taskId, CancellationToken.None);
        if (current is { CancelRequested: true })
        {
            await EndAsync(taskId, (task, now) => task.Fail(ErrorCodes.Cancelled, ProcessingTask.CancelledReason(task.CancelRequestedBy), now));
        }
        else if (hostStopping)
        {
            // Not the work's fault: hand it back as the same attempt, and the next start picks it up.
            await EndAsync(taskId, (task, now) => task.Return("the server stopped; the task resumes when it starts again", now));
        }
        else
        {
            logger.LogWarning(e, "Task {TaskId} was aborted without a cancel request", taskId);
            await EndAsync(taskId, (task, now) => task.Fail(ErrorCodes.Aborted, $"The work stopped unexpectedly ({e.Message}).", now));
        }
    }

    private Task EndAsync(Guid taskId, Action<ProcessingTask, DateTimeOffset> end) => lifecycle.EndAsync(taskId, end);
}
