using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using VaasWeb.Limits;
using VaasWeb.Processing.Ingestion;
using VaasWeb.Processing.Media;
using VaasWeb.Processing.Storage;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Telemetry;
using VaasWeb.Processing.Uploads;
using VaasWeb.Processing.Videos;
using VaasWeb.Security;

namespace VaasWeb.Api;

/// <summary>The REST contract of the original vaas API: upload, process, poll.</summary>
internal static class SeedEndpoints
{
    public static IEndpointRouteBuilder MapSeedApi(this IEndpointRouteBuilder app)
    {
        var seed = app.MapGroup("").WithTags("Seed API");
        seed.MapPost("/upload-video", UploadVideoAsync).WithName("UploadVideo")
            .WithSummary("Upload a video (multipart field 'file'); its ingestion is queued unless Ingestion:AutoStart is false.")
            .AddOpenApiOperationTransformer(DescribeMultipartFileBody)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status507InsufficientStorage)
            .RequireAuthorization(Policies.Uploader).RequireLimit(LimitKind.Upload);
        seed.MapPost("/process-video", ProcessVideoAsync).WithName("ProcessVideo")
            .Accepts<ProcessVideoRequest>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithSummary("Queue the ingestion of a video inside the media root (a path as returned by upload-video).")
            .RequireAuthorization(Policies.Uploader).RequireLimit(LimitKind.Process);
        seed.MapGet("/task-status/{taskId}", GetTaskStatusAsync).WithName("GetTaskStatus")
            .WithSummary("The status of a task: pending, in_progress, completed or failed, with step, progress and error.")
            .RequireAuthorization(Policies.Viewer);
        return app;
    }

    /// <summary>
    /// The body is read by hand (streamed, not bound), so OpenAPI is told its shape here. Declaring it with
    /// Accepts() instead would make routing answer a wrong content type with an empty 415.
    /// </summary>
    private static Task DescribeMultipartFileBody(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["multipart/form-data"] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Required = new HashSet<string> { MultipartUpload.FieldName },
                        Properties = new Dictionary<string, IOpenApiSchema>
                        {
                            [MultipartUpload.FieldName] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" },
                        },
                    },
                },
            },
        };
        return Task.CompletedTask;
    }

    private static async Task<Results<Ok<UploadVideoResponse>, ProblemHttpResult>> UploadVideoAsync(
        HttpRequest request, MediaStorage storage, DiskSpace disk, VideoImporter importer, IOptions<UploadOptions> options,
        IOptions<IngestionOptions> ingestion, QueuedTaskCap cap, CancellationToken cancellationToken)
    {
        if (ingestion.Value.AutoStart && await cap.RefusalAsync(request.HttpContext.User, cancellationToken) is { } tooMany)
        {
            return tooMany;
        }

        ReceivedFile received;
        try
        {
            received = await MultipartUpload.ReceiveAsync(request, storage, disk, request.HttpContext.User.UploadLimit(options.Value), cancellationToken);
            request.HttpContext.RequestServices.GetRequiredService<VaasMetrics>().UploadBytes(received.SizeBytes, "multipart");
        }
        catch (UploadRejectedException e)
        {
            return TypedResults.Problem(e.Message, statusCode: e.StatusCode);
        }

        try
        {
            var imported = await importer.ImportUploadAsync(
                received.TemporaryPath, received.FileName, received.SizeBytes, received.Sha256, autoStart: null, request.HttpContext.Actor(), cancellationToken);
            return TypedResults.Ok(new UploadVideoResponse(
                "Video uploaded successfully", imported.Video.StoredPath, imported.Task?.Id, imported.Video.Id,
                imported.DuplicateOf is { } earlier ? new DuplicateVideo(earlier.Id, earlier.Name, earlier.CreatedAt) : null));
        }
        catch (MediaException e)
        {
            return Problems.Of(e);
        }
    }

    private static async Task<Results<Ok<ProcessVideoResponse>, ProblemHttpResult>> ProcessVideoAsync(
        HttpRequest request, MediaStorage storage, VideoImporter importer, QueuedTaskCap cap, CancellationToken cancellationToken)
    {
        ProcessVideoRequest? body;
        try
        {
            // Read by hand rather than bound, so a malformed body gets a sentence instead of a stack trace.
            body = await request.ReadFromJsonAsync<ProcessVideoRequest>(cancellationToken);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return TypedResults.Problem("The body must be JSON like {\"video_path\": \"videos/<file>.mp4\"}.", statusCode: StatusCodes.Status400BadRequest);
        }

        return await QueueAsync(body?.VideoPath, request.HttpContext, storage, importer, cap, cancellationToken);
    }

    /// <summary>Queues the ingestion of a video path as <c>process-video</c> takes it; the MCP tool <c>process_video</c> calls it too.</summary>
    internal static async Task<Results<Ok<ProcessVideoResponse>, ProblemHttpResult>> QueueAsync(
        string? videoPath, HttpContext http, MediaStorage storage, VideoImporter importer, QueuedTaskCap cap, CancellationToken cancellationToken)
    {
        var actor = http.Actor();
        string path;
        try
        {
            path = storage.ResolveExistingFile(videoPath);
        }
        catch (MediaPathException e)
        {
            return TypedResults.Problem(e.Message, statusCode: e.Problem == MediaPathProblem.NotFound
                ? StatusCodes.Status404NotFound
                : StatusCodes.Status400BadRequest);
        }

        if (await cap.RefusalAsync(http.User, cancellationToken) is { } tooMany)
        {
            return tooMany;
        }

        try
        {
            var queued = await importer.QueueIngestionAsync(path, actor, cancellationToken);
            var message = queued.TaskAlreadyQueued ? "Task already enqueued for processing" : "Task enqueued for processing";
            return TypedResults.Ok(new ProcessVideoResponse(message, queued.Task!.Id, queued.Video.Id));
        }
        catch (MediaException e)
        {
            return Problems.Of(e);
        }
    }

    internal static async Task<Results<Ok<TaskStatusResponse>, NotFound<TaskNotFoundResponse>>> GetTaskStatusAsync(
        string taskId, TaskLifecycle lifecycle, CancellationToken cancellationToken)
    {
        var task = Guid.TryParse(taskId, out var id) ? await lifecycle.GetSnapshotAsync(id, cancellationToken) : null;
        return task is null
            ? TypedResults.NotFound(new TaskNotFoundResponse(taskId))
            : TypedResults.Ok(TaskStatusResponse.Of(task));
    }
}
