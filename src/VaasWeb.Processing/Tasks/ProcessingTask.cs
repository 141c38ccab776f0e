using VaasWeb.Processing.Videos;
using VaasWeb.Processing.Failures;

namespace VaasWeb.Processing.Tasks;

/// <summary>
/// One unit of background work (an ingestion, a generation). The row is the source of truth for its state:
/// every change goes through the methods below, which check the state machine and append to the history.
/// </summary>
public sealed class ProcessingTask
{
    private ProcessingTask()
    {
    }

    public Guid Id { get; private set; }
    public TaskKind Kind { get; private set; }
    public Guid? VideoId { get; private set; }
    public Video? Video { get; private set; }
    public TaskState State { get; private set; }

    /// <summary>What the task is about when it has no video yet (a generation's prompt); shown on the board.</summary>
    public string? Title { get; private set; }

    public string? CurrentStep { get; private set; }

    /// <summary>A word on where the current step stands ("MiniMax: Queueing", "retrying: HTTP 503").</summary>
    public string? StepDetail { get; private set; }

    /// <summary>Overall progress, 0–100.</summary>
    public double Progress { get; private set; }

    public int Attempt { get; private set; }

    /// <summary>Times the server stopped under this task since it was last queued by a person; bounds automatic retries.</summary>
    public int Recoveries { get; private set; }
    public string? ErrorCode { get; private set; }
    public string? ErrorMessage { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? StartedAt { get; private set; }
    public DateTimeOffset? FinishedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>Set when someone asks to cancel a running task; the worker that runs it sees it and stops.</summary>
    public DateTimeOffset? CancelRequestedAt { get; private set; }

    public string? CancelRequestedBy { get; private set; }

    /// <summary>The account that asked for the task (uploaders may cancel their own); null for system work and old rows.</summary>
    public string? OwnerId { get; private set; }

    /// <summary>That account's user name when it asked.</summary>
    public string? OwnerName { get; private set; }

    /// <summary>The node running the task, so that a restarting node re-queues only its own work.</summary>
    public string? WorkerId { get; private set; }

    /// <summary>
    /// When the watchdog (<see cref="StallWatchJob"/>) found this running task without progress for <c>Tasks:StallAfterSeconds</c>;
    /// cleared by the next progress it writes, and by any change of state. <see cref="UpdatedAt"/> stays at its last progress.
    /// </summary>
    public DateTimeOffset? StalledSince { get; private set; }

    /// <summary>Bumped on every write; the optimistic concurrency token.</summary>
    public long Version { get; private set; }

    public List<TaskHistoryEntry> History { get; private set; } = [];

    public bool IsFinished => TaskStateMachine.IsFinished(State);

    public static ProcessingTask Create(TaskKind kind, Video? video, string reason, DateTimeOffset now, string? title = null, Accounts.Actor? owner = null)
    {
        var task = new ProcessingTask
        {
            Id = Guid.NewGuid(),
            Kind = kind,
            OwnerId = owner?.UserId,
            OwnerName = owner?.UserId is null ? null : owner.Name,
            Title = title,
            VideoId = video?.Id,
            Video = video,
            State = TaskState.Pending,
            Attempt = 1,
            CreatedAt = now,
            UpdatedAt = now,
        };
        task.History.Add(new TaskHistoryEntry(task.Id, now, null, TaskState.Pending, task.Attempt, null, reason));
        return task;
    }

    /// <summary>Claims a pending task for a worker; false when it is no longer pending (cancelled, already taken).</summary>
    public bool TryStart(string workerId, DateTimeOffset now)
    {
        if (State != TaskState.Pending)
        {
            return false;
        }

        Start(workerId, now);
        return true;
    }

    public void Start(string workerId, DateTimeOffset now)
    {
        Move(TaskState.InProgress, $"started (attempt {Attempt})", now);
        WorkerId = workerId;
        StartedAt = now;
        FinishedAt = null;
        Progress = 0;
        CurrentStep = null;
        StepDetail = null;
    }

    public void Complete(DateTimeOffset now, string reason = "completed")
    {
        Move(TaskState.Completed, reason, now);
        Progress = 100;
        CurrentStep = null;
        StepDetail = null;
        FinishedAt = now;
    }

    public void Fail(string code, string message, DateTimeOffset now)
    {
        Move(TaskState.Failed, message, now);
        ErrorCode = code;
        ErrorMessage = message;
        FinishedAt = now;
    }

    /// <summary>Records how far a running task is; false when it is not running or someone asked it to stop.</summary>
    public bool ReportProgress(string step, double progress, DateTimeOffset now)
    {
        if (State != TaskState.InProgress || CancelRequestedAt is not null)
        {
            return false;
        }

        CurrentStep = step;
        Progress = Math.Round(Math.Clamp(progress, 0, 100), 1);
        UpdatedAt = now;
        StalledSince = null;
        Version++;
        return true;
    }

    /// <summary>
    /// Marks a running task that has written nothing since <paramref name="quietSince"/> as stalled; false when it is
    /// not running, is already marked, or moved since. Its <see cref="UpdatedAt"/> is left alone: nothing progressed.
    /// </summary>
    public bool MarkStalled(DateTimeOffset quietSince, DateTimeOffset now)
    {
        if (State != TaskState.InProgress || StalledSince is not null || UpdatedAt > quietSince)
        {
            return false;
        }

        StalledSince = now;
        Version++;
        return true;
    }

    /// <summary>Moves a running task to a step with a word on it; false when it is not running or asked to stop.</summary>
    public bool ReportStep(string step, double progress, string? detail, DateTimeOffset now)
    {
        if (!ReportProgress(step, progress, now))
        {
            return false;
        }

        StepDetail = ClipDetail(detail);
        return true;
    }

    /// <summary>The video a task produced (a generation's result), so that the board can show and link it.</summary>
    public void AttachVideo(Video video, DateTimeOffset now)
    {
        VideoId = video.Id;
        Video = video;
        UpdatedAt = now;
        Version++;
    }

    /// <summary>Asks the worker running this task to stop; it ends the task as failed ("cancelled").</summary>
    public bool RequestCancel(string? requestedBy, DateTimeOffset now)
    {
        if (State != TaskState.InProgress || CancelRequestedAt is not null)
        {
            return false;
        }

        CancelRequestedAt = now;
        CancelRequestedBy = requestedBy;
        UpdatedAt = now;
        Version++;
        return true;
    }

    /// <summary>Step details fit their 256-character column.</summary>
    private static string? ClipDetail(string? detail) => detail is { Length: > 256 } ? detail[..255] + "…" : detail;

    /// <summary>The reason a cancelled task shows: "cancelled", or "cancelled by someone".</summary>
    public static string CancelledReason(string? by) => by is null ? "cancelled" : $"cancelled by {by}";

    /// <summary>
    /// Ends a running task whose cancel was asked for; true when it did. For work that changes the task without a
    /// job watching it (generations waiting on MiniMax): a refused progress write must not leave it running.
    /// </summary>
    public bool FailIfCancelRequested(DateTimeOffset now, string? detail = null)
    {
        if (State != TaskState.InProgress || CancelRequestedAt is null)
        {
            return false;
        }

        Fail(ErrorCodes.Cancelled, CancelledReason(CancelRequestedBy) + (detail is null ? "" : $"; {detail}"), now);
        return true;
    }

    /// <summary>Back to the queue as a new attempt because someone asked for it; automatic retries start over.</summary>
    public void Requeue(string reason, DateTimeOffset now)
    {
        Move(TaskState.Pending, reason, now, newAttempt: Attempt + 1);
        ResetForQueue();
        Recoveries = 0;
    }

    /// <summary>Back to the queue as a new attempt because the server stopped while it ran.</summary>
    public void RequeueAfterCrash(string reason, DateTimeOffset now)
    {
        Move(TaskState.Pending, reason, now, newAttempt: Attempt + 1);
        ResetForQueue();
        Recoveries++;
    }

    /// <summary>Says why a pending task is still waiting (shown on its card); only while it waits.</summary>
    public bool NoteWaiting(string detail, DateTimeOffset now)
    {
        if (State != TaskState.Pending || detail == StepDetail)
        {
            return false;
        }

        StepDetail = ClipDetail(detail);
        UpdatedAt = now;
        return true;
    }

    /// <summary>Back to the queue as the same attempt: the server is shutting down and the work was not at fault.</summary>
    public void Return(string reason, DateTimeOffset now)
    {
        Move(TaskState.Pending, reason, now);
        ResetForQueue();
    }

    private void ResetForQueue()
    {
        Progress = 0;
        CurrentStep = null;
        StepDetail = null;
        ErrorCode = null;
        ErrorMessage = null;
        StartedAt = null;
        FinishedAt = null;
        CancelRequestedAt = null;
        CancelRequestedBy = null;
        WorkerId = null;
    }

    private void Move(TaskState to, string reason, DateTimeOffset now, int? newAttempt = null)
    {
        TaskStateMachine.EnsureCanMove(State, to);
        var from = State;
        State = to;
        StalledSince = null;
        Attempt = newAttempt ?? Attempt;
        UpdatedAt = now;
        Version++;
        History.Add(new TaskHistoryEntry(Id, now, from, to, Attempt, CurrentStep, reason));
    }
}
