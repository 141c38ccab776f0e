using System.Globalization;
using MiniMax.Emulator.Callbacks;
using MiniMax.Emulator.Contract;
using MiniMax.Emulator.Faults;
using MiniMax.Emulator.Media;
using MiniMax.Emulator.Requests;
using MiniMax.Emulator.State;

namespace MiniMax.Emulator.Endpoints;

/// <summary>Submitting a generation and polling it.</summary>
public static class VideoEndpoints
{
    public static IEndpointRouteBuilder MapVideoEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/video_generation", SubmitAsync).Emulates(EndpointNames.VideoGeneration);
        app.MapGet("/v1/query/video_generation", Query).Emulates(EndpointNames.Query);
        return app;
    }

    private static async Task<IResult> SubmitAsync(HttpContext context, TaskStore tasks, WorkFolder folder, CallbackSender callbacks, CancellationToken cancellationToken)
    {
        var (body, error) = await ContractJson.ReadAsync<VideoGenerationRequest>(context.Request, cancellationToken);
        if (body is null)
        {
            return Reply.InvalidParams(error!);
        }

        var (request, invalid) = VideoRequestValidator.Validate(body);
        if (request is null)
        {
            return Reply.InvalidParams(invalid!);
        }

        string? firstFrame = null;
        if (request.FirstFrame is { } image)
        {
            firstFrame = folder.NewFile(image.Extension);
            // Not the request's token: from here on the task is being created, as it would be on a server that
            // received the whole request.
            await File.WriteAllBytesAsync(firstFrame, image.Bytes, CancellationToken.None);
        }

        var task = tasks.Create(request.Spec, firstFrame);
        context.Tag(taskId: task.TaskId);
        if (request.CallbackUrl is { } callbackUrl)
        {
            callbacks.Start(task, callbackUrl);
        }

        return Reply.Json(new VideoGenerationResponse(task.TaskId, BaseResp.Success));
    }

    private static IResult Query(
        HttpContext context,
        TaskStore tasks,
        FileStore files,
        EmulatorSettings settings,
        TimeProvider time)
    {
        var taskId = context.Request.Query["task_id"].ToString();
        if (taskId.Length == 0)
        {
            return Reply.InvalidParams("invalid params, task_id is required");
        }

        if (tasks.Find(taskId) is not { } task)
        {
            return Reply.InvalidParams("task not found");
        }

        var status = task.StatusAt(time.GetUtcNow(), settings.Current);
        if (status == VideoStatus.Fail && task.Failure is { } failure)
        {
            return Reply.Json(new QueryResponse(task.TaskId, status, null, null, null, new BaseResp(failure.Code, failure.Message)));
        }

        if (status != VideoStatus.Success)
        {
            return Reply.Json(new QueryResponse(task.TaskId, status, null, null, null, BaseResp.Success));
        }

        var file = files.AddVideo(task);
        var (width, height) = VideoModels.SizeOf(task.Spec.Resolution);
        var fileId = file.FileId.ToString(CultureInfo.InvariantCulture);
        context.Tag(fileId: fileId);
        return Reply.Json(new QueryResponse(task.TaskId, status, fileId, width, height, BaseResp.Success));
    }
}
