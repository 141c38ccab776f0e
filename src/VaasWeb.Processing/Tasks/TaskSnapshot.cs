namespace VaasWeb.Processing.Tasks;

/// <summary>
/// A task as everyone outside the job sees it: what the board renders, what the SignalR hub pushes, what the
/// status API returns. <see cref="Version"/> only grows, so a client can drop an update older than what it has.
/// <see cref="Node"/> is the <c>Worker:Id</c> of the node that runs it, or last ran it; <see cref="StalledSince"/> is when the
/// watchdog found it running without progress (null while it moves).
/// </summary>
public sealed record TaskSnapshot(
    Guid TaskId,
    TaskKind Kind,
    TaskState State,
    string? Step,
    string? StepDetail,
    double Progress,
    int Attempt,
    Guid? VideoId,
    string? VideoName,
    string? ThumbnailPath,
    string? ErrorCode,
    string? ErrorMessage,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    DateTimeOffset UpdatedAt,
    bool CancelRequested,
    long Version,
    string? Node = null,
    DateTimeOffset? StalledSince = null)
{
    public static TaskSnapshot Of(ProcessingTask task) => new(
        task.Id,
        task.Kind,
        task.State,
        task.CurrentStep,
        task.StepDetail,
        task.Progress,
        task.Attempt,
        task.VideoId,
        task.Title ?? task.Video?.OriginalFileName,
        task.Video?.ThumbnailPath,
        task.ErrorCode,
        task.ErrorMessage,
        task.CreatedAt,
        task.StartedAt,
        task.FinishedAt,
        task.UpdatedAt,
        task.CancelRequestedAt is not null,
        task.Version,
        task.WorkerId,
        task.StalledSince);
}
