using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;
using VaasWeb.Processing.Failures;
using VaasWeb.Processing.Telemetry;

namespace VaasWeb.Processing.Tasks;

/// <summary>What a kind's runs do when the host stops under them.</summary>
public enum OnShutdown
{
    /// <summary>The run is stopped and the task handed back as pending, the same attempt: the next start runs it.</summary>
    HandBack,

    /// <summary>The task stays in progress: the kind's recovery picks it up where it was on the next start.</summary>
    LeaveRunning,
}

/// <summary>How <see cref="TaskRunner"/> runs one kind's work.</summary>
/// <param name="Doing">What the work does, for the reason of an unexpected failure ("submitting" → "Unexpected error while submitting: …").</param>
/// <param name="StopsWithHost">Whether a shutdown stops the run; false for work that must not be cut halfway (a paid request being sent).</param>
/// <param name="OnShutdown">What becomes of the task when a shutdown stopped the run.</param>
public sealed record TaskRunPolicy(string? Doing = null, bool StopsWithHost = true, OnShutdown OnShutdown = OnShutdown.HandBack);

/// <summary>How a run's work ended, when it did not throw.</summary>
public abstract record TaskOutcome
{
    /// <summary>The work is done: the task completes with <paramref name="Reason"/>.</summary>
    public static TaskOutcome Completed(string reason) => new Done(reason);

    /// <summary>The work passed the task on (to the poller, a later retry, back to the queue): the run ends, the task does not.</summary>
    public static readonly TaskOutcome HandedOn = new Passed();

    internal sealed record Done(string Reason) : TaskOutcome;

    private sealed record Passed : TaskOutcome;
}

/// <summary>One run of a task on this node, as its work sees it.</summary>
public sealed class TaskRun : IAsyncDisposable
{
    private readonly TaskLifecycle _lifecycle;
    private TaskProgress? _progress;

    internal TaskRun(Guid taskId, ProcessingTask? task, CancellationTokenSource stop, TaskLifecycle lifecycle)
    {
        (TaskId, Task, Stop, _lifecycle) = (taskId, task, stop, lifecycle);
    }

    public Guid TaskId { get; }

    /// <summary>The task as it was claimed (null when the run took over a task already in progress).</summary>
    public ProcessingTask? Task { get; }

    /// <summary>Cancelled by a cancel request (here, or seen by the progress writer), a Quartz interrupt, or a shutdown the policy stops for.</summary>
    public CancellationTokenSource Stop { get; }

    public CancellationToken Token => Stop.Token;

    /// <summary>The throttled progress writer; each write doubles as the check for a cancel request. Flushed before the run ends.</summary>
    public TaskProgress Progress => _progress ??= _lifecycle.TrackProgress(TaskId, Stop);

    public async ValueTask DisposeAsync()
    {
        if (_progress is not null)
        {
            await _progress.DisposeAsync();
        }
    }
}

/// <summary>
/// The one place a task is run: it claims the task for this node, gives the work a stop token (linked to the
/// Quartz job and, by policy, to the host stopping), registers it so a cancel reaches it, and turns whatever the work
/// returns or throws into the task's state: done → completed; an expected failure (<see cref="TaskFailureException"/>)
/// → failed with its code and words; cancelled → failed "cancelled by …"; stopped by a shutdown → handed back or left
/// for recovery; anything else → failed as an unexpected error, logged as one. Every kind's job goes through here.
/// </summary>
public sealed class TaskRunner(
    TaskLifecycle lifecycle,
    RunningTasks running,
    WorkerIdentity worker,
    IHostApplicationLifetime lifetime,
    ILogger<TaskRunner> logger)
{
    /// <summary>Takes a pending task for this node; null when it is no longer pending (cancelled, or another node has it).</summary>
    public async Task<ProcessingTask?> ClaimAsync(Guid taskId, CancellationToken cancellationToken)
    {
        var claim = await lifecycle.ChangeAsync(taskId, (task, now) => task.TryStart(worker.Id, now), cancellationToken);
        if (claim is not { Changed: true })
        {
            logger.LogInformation("Task {TaskId} is no longer pending; nothing to run", taskId);
            return null;
        }

        return claim.Task;
    }

    /// <summary>Claims a pending task and runs it; does nothing when it cannot be claimed.</summary>
    public async Task ClaimAndRunAsync(Guid taskId, TaskRunPolicy policy, Func<TaskRun, Task<TaskOutcome>> work, CancellationToken cancellationToken,
        string? traceParent = null)
    {
        if (await ClaimAsync(taskId, cancellationToken) is { } task)
        {
            await RunAsync(taskId, task, policy, work, cancellationToken, traceParent);
        }
    }

    /// <summary>As <see cref="ClaimAndRunAsync(Guid, TaskRunPolicy, Func{TaskRun, Task{TaskOutcome}}, CancellationToken, string?)"/> for the task a trigger names, its span a child of whoever queued it.</summary>
    public Task ClaimAndRunAsync(IJobExecutionContext context, TaskRunPolicy policy, Func<TaskRun, Task<TaskOutcome>> work, CancellationToken cancellationToken) =>
        ClaimAndRunAsync(TaskQueue.TaskIdOf(context), policy, work, cancellationToken, TaskQueue.TraceParentOf(context));

    /// <summary>Runs work for a task this node holds: one it just claimed, or one in progress it takes up again.</summary>
    public async Task RunAsync(Guid taskId, ProcessingTask? claimed, TaskRunPolicy policy, Func<TaskRun, Task<TaskOutcome>> work, CancellationToken cancellationToken,
        string? traceParent = null)
    {
        using var span = claimed is null ? null : VaasTracing.StartTaskRun(claimed.Kind.WireName, taskId, claimed.Attempt, traceParent);
        using var stop = policy.StopsWithHost
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping)
            : new CancellationTokenSource();
        using var registration = Hold(taskId, stop);
        TaskOutcome outcome;
        try
        {
            await using var run = new TaskRun(taskId, claimed, stop, lifecycle);
            outcome = await work(run);
        }
        catch (Exception e)
        {
            VaasTracing.Fail(span, e is TaskFailureException expected ? expected.Code : e is OperationCanceledException ? "stopped" : ErrorCodes.InternalError, e.Message);
            await EndFailedAsync(taskId, e, policy);
            return;
        }

        if (outcome is TaskOutcome.Done done)
        {
            await lifecycle.EndAsync(taskId, (task, now) => task.Complete(now, done.Reason));
        }
    }

    /// <summary>
    /// Makes <paramref name="stop"/> the way to stop the task's work on this node (a cancel request calls it) until the
    /// registration is disposed. For work that holds a task longer than one run (a generation being polled).
    /// </summary>
    public IDisposable Hold(Guid taskId, CancellationTokenSource stop) => running.Register(taskId, stop);

    /// <summary>The one mapping from how work stopped to the state its task ends in (see the class summary).</summary>
    public async Task EndFailedAsync(Guid taskId, Exception failure, TaskRunPolicy policy)
    {
        switch (failure)
        {
            case OperationCanceledException cancelled:
                await EndCancelledAsync(taskId, cancelled, policy);
                break;
            // The end is logged where it is written (TaskLifecycle), with the task's kind, step, code and attempt.
            case TaskFailureException expected:
                await lifecycle.EndAsync(taskId, (task, now) => task.Fail(expected.Code, expected.Message, now));
                break;
            default:
                var doing = policy.Doing is null ? "" : $" while {policy.Doing}";
                var ended = await lifecycle.EndAsync(taskId, (task, now) => task.Fail(ErrorCodes.InternalError, $"Unexpected error{doing}: {failure.Message}", now), failure);
                if (ended is not { Changed: true })
                {
                    // The task was no longer this run's to end; the bug is still worth a line.
                    logger.LogError(failure, "Task {TaskId} failed unexpectedly after it had been ended or re-queued elsewhere", taskId);
                }

                break;
        }
    }

    private async Task EndCancelledAsync(Guid taskId, OperationCanceledException e, TaskRunPolicy policy)
    {
        var current = await lifecycle.GetSnapshotAsync(taskId, CancellationToken.None);
        if (current is { CancelRequested: true })
        {
            await lifecycle.EndAsync(taskId, (task, now) => task.Fail(ErrorCodes.Cancelled, ProcessingTask.CancelledReason(task.CancelRequestedBy), now));
        }
        else if (lifetime.ApplicationStopping.IsCancellationRequested && policy.OnShutdown == OnShutdown.HandBack)
        {
            // Not the work's fault: hand it back as the same attempt, and the next start picks it up.
            await lifecycle.EndAsync(taskId, (task, now) => task.Return("the server stopped; the task resumes when it starts again", now));
        }
        else if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            logger.LogInformation("Task {TaskId} stopped with the server; it resumes on the next start", taskId);
        }
        else if (current is not { State: TaskState.InProgress })
        {
            // The row said stop because the task is no longer this run's: the watchdog re-queued it, or it was ended elsewhere.
            logger.LogInformation("Task {TaskId}: this run stopped because the task is now {State}", taskId, current?.State);
        }
        else
        {
            await lifecycle.EndAsync(taskId, (task, now) => task.Fail(ErrorCodes.Aborted, $"The work stopped unexpectedly ({e.Message}).", now), e);
        }
    }
}
