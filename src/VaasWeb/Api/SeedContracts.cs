using VaasWeb.Processing.Tasks;

namespace VaasWeb.Api;

// The seed API's shapes, in its snake_case. Fields beyond the seed's are additions old clients ignore.

/// <param name="DuplicateOf">An earlier video with the same bytes (the upload is stored and queued all the same), or null.</param>
public sealed record UploadVideoResponse(string Message, string VideoPath, Guid? TaskId, Guid VideoId, DuplicateVideo? DuplicateOf = null);

public sealed record DuplicateVideo(Guid VideoId, string Name, DateTimeOffset AddedAt);

public sealed record ProcessVideoRequest(string? VideoPath);

public sealed record ProcessVideoResponse(string Message, Guid TaskId, Guid VideoId);

public sealed record TaskError(string? Code, string? Message);

public sealed record TaskStatusResponse(
    string TaskId,
    TaskState Status,
    TaskKind Kind,
    string? Step,
    string? StepDetail,
    double Progress,
    int Attempt,
    TaskError? Error,
    Guid? VideoId,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    DateTimeOffset UpdatedAt,
    string? Node,
    DateTimeOffset? StalledSince = null)
{
    public static TaskStatusResponse Of(TaskSnapshot task) => new(
        task.TaskId.ToString(),
        task.State,
        task.Kind,
        task.Step,
        task.StepDetail,
        task.Progress,
        task.Attempt,
        task.ErrorCode is null && task.ErrorMessage is null ? null : new TaskError(task.ErrorCode, task.ErrorMessage),
        task.VideoId,
        task.CreatedAt,
        task.StartedAt,
        task.FinishedAt,
        task.UpdatedAt,
        task.Node,
        task.StalledSince);
}

/// <summary>The seed's answer for an unknown task id, kept byte for byte.</summary>
public sealed record TaskNotFoundResponse(string TaskId, string Status = "not_found");
