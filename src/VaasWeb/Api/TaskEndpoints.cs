using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Tasks;
using VaasWeb.Security;

namespace VaasWeb.Api;

public sealed record TaskHistoryItem(DateTimeOffset At, TaskState? From, TaskState To, int Attempt, string? Step, string Reason);

public sealed record TaskStepItem(int Attempt, string Name, StepState State, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string? Detail);

public sealed record TaskDetailsResponse(TaskStatusResponse Task, IReadOnlyList<TaskHistoryItem> History, IReadOnlyList<TaskStepItem> Steps);

public sealed record TaskCommandResponse(string Message, TaskStatusResponse Task);

/// <summary>Which failed tasks to run again; none listed means every failed task.</summary>
public sealed record RerunFailedRequest(IReadOnlyList<Guid>? TaskIds);

public sealed record RerunFailedResponse(string Message, int Queued, int Skipped);

/// <summary>Tasks for scripts and the UI: list, details with history and steps, cancel, re-run.</summary>
internal static class TaskEndpoints
{
    private const int MaxPage = 500;

    public static IEndpointRouteBuilder MapTaskApi(this IEndpointRouteBuilder app)
    {
        var tasks = app.MapGroup("/api/tasks").WithTags("Tasks").RequireAuthorization(Policies.Viewer);
        tasks.MapGet("", ListAsync).WithName("ListTasks").WithSummary("Newest tasks first, optionally filtered by status and kind.");
        tasks.MapGet("/{taskId:guid}", GetAsync).WithName("GetTask").WithSummary("A task with its full state history and per-step timings.");
        tasks.MapPost("/{taskId:guid}/cancel", CancelAsync).WithName("CancelTask").RequireAuthorization(Policies.Uploader)
            .WithSummary("Cancel a pending or running task (uploaders: their own; admins: any); ffmpeg is killed.");
        tasks.MapPost("/{taskId:guid}/rerun", RerunAsync).WithName("RerunTask").RequireAuthorization(Policies.Admin)
            .WithSummary("Run a finished task again as a new attempt (admins).");
        tasks.MapPost("/rerun-failed", RerunFailedAsync).WithName("RerunFailedTasks").RequireAuthorization(Policies.Admin)
            .WithSummary("Run the listed failed tasks again, or every failed task when none are listed (admins).");
        return app;
    }

    private static async Task<Results<Ok<TaskStatusResponse[]>, ProblemHttpResult>> ListAsync(
        TaskQueries queries, TaskKinds kinds, string? status, string? kind, int? limit, CancellationToken cancellationToken)
    {
        // The values the API writes (in_progress, ingestion) are the values it reads.
        if (!WireEnum.TryParse<TaskState>(status, out var state))
        {
            return TypedResults.Problem($"status must be one of {WireEnum.Names<TaskState>()}.", statusCode: StatusCodes.Status400BadRequest);
        }

        var taskKind = kinds.Parse(kind);
        if (!string.IsNullOrWhiteSpace(kind) && taskKind is null)
        {
            return TypedResults.Problem($"kind must be one of {string.Join(", ", kinds.All.Select(k => k.WireName))}.", statusCode: StatusCodes.Status400BadRequest);
        }

        var tasks = await queries.RecentAsync(Math.Clamp(limit ?? 100, 1, MaxPage), new TaskFilter(state, taskKind), cancellationToken);
        return TypedResults.Ok(tasks.Select(TaskStatusResponse.Of).ToArray());
    }

    private static async Task<Results<Ok<TaskDetailsResponse>, NotFound<TaskNotFoundResponse>>> GetAsync(
        Guid taskId, TaskQueries queries, CancellationToken cancellationToken)
    {
        if (await queries.DetailsAsync(taskId, cancellationToken) is not { } details)
        {
            return TypedResults.NotFound(new TaskNotFoundResponse(taskId.ToString()));
        }

        return TypedResults.Ok(new TaskDetailsResponse(
            TaskStatusResponse.Of(details.Task),
            details.History.Select(h => new TaskHistoryItem(h.At, h.From, h.To, h.Attempt, h.Step, h.Reason)).ToArray(),
            details.Steps.Select(s => new TaskStepItem(s.Attempt, s.Name, s.State, s.StartedAt, s.FinishedAt, s.Detail)).ToArray()));
    }

    private static async Task<Results<Ok<TaskCommandResponse>, Accepted<TaskCommandResponse>, NotFound<TaskNotFoundResponse>, Conflict<TaskCommandResponse>, ProblemHttpResult>> CancelAsync(
        Guid taskId, HttpContext http, TaskCommands commands, CancellationToken cancellationToken)
    {
        var (outcome, task) = await commands.CancelAsync(taskId, http.Actor(), t => http.User.CanCancel(t.OwnerId), cancellationToken);
        return outcome switch
        {
            CancelOutcome.NotFound => TypedResults.NotFound(new TaskNotFoundResponse(taskId.ToString())),
            CancelOutcome.Forbidden => TypedResults.Problem("Uploaders may cancel only the tasks they started; ask an admin.", statusCode: StatusCodes.Status403Forbidden),
            CancelOutcome.Cancelled => TypedResults.Ok(Respond("Task cancelled before it started", task!)),
            CancelOutcome.Stopping => TypedResults.Accepted($"/task-status/{taskId}", Respond("Task is being cancelled", task!)),
            _ => TypedResults.Conflict(Respond("Task has already finished", task!)),
        };
    }

    private static async Task<Results<Accepted<TaskCommandResponse>, NotFound<TaskNotFoundResponse>, Conflict<TaskCommandResponse>, ProblemHttpResult>> RerunAsync(
        Guid taskId, HttpContext http, TaskCommands commands, CancellationToken cancellationToken)
    {
        var (outcome, task) = await commands.RerunAsync(taskId, http.Actor(), cancellationToken);
        return outcome switch
        {
            RerunOutcome.NotFound => TypedResults.NotFound(new TaskNotFoundResponse(taskId.ToString())),
            RerunOutcome.Queued => TypedResults.Accepted($"/task-status/{taskId}", Respond("Task queued again", task!)),
            RerunOutcome.VideoBusy => TypedResults.Problem("Another ingestion of this video is pending or running; re-run it when that one has finished.",
                statusCode: StatusCodes.Status409Conflict),
            _ => TypedResults.Conflict(Respond("Only a completed or failed task can be re-run", task!)),
        };
    }

    private static async Task<Ok<RerunFailedResponse>> RerunFailedAsync(
        HttpContext http, TaskCommands commands, CancellationToken cancellationToken, RerunFailedRequest? request = null)
    {
        var ids = request?.TaskIds is { Count: > 0 } listed ? listed.Distinct().ToArray() : null;
        var result = await commands.RerunFailedAsync(ids, http.Actor(), progress: null, cancellationToken);
        return TypedResults.Ok(new RerunFailedResponse($"{result.Queued} task(s) queued again", result.Queued, result.Skipped));
    }

    private static TaskCommandResponse Respond(string message, ProcessingTask task) =>
        new(message, TaskStatusResponse.Of(TaskSnapshot.Of(task)));
}
