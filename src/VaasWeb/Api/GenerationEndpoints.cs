using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using VaasWeb.Processing.Generation;

using VaasWeb.Security;
using VaasWeb.Processing.Generation.MiniMax;
using VaasWeb.Limits;

namespace VaasWeb.Api;

/// <summary>Narration laid over the generated video: MiniMax text-to-speech in the given voice.</summary>
public sealed record NarrationRequest(string? Text, string? VoiceId);

/// <summary>
/// A generation request. <c>first_frame</c> is a data URL (data:image/jpeg;base64,...); <c>first_frame_id</c> names a
/// frame of an ingested video instead.
/// </summary>
public sealed record GenerationRequest(
    string? Prompt,
    string? Model,
    int? Duration,
    string? Resolution,
    bool? PromptOptimizer,
    string? FirstFrame,
    long? FirstFrameId,
    NarrationRequest? Narration);

public sealed record GenerationAccepted(string Message, string TaskId, string StatusUrl);

public sealed record GenerationResponse(
    TaskStatusResponse Task,
    string Prompt,
    string Model,
    int Duration,
    string Resolution,
    bool PromptOptimizer,
    string? FirstFrameUrl,
    string? NarrationText,
    string? VoiceId,
    GenerationPhase Phase,
    [property: JsonPropertyName("minimax_task_id")] string? MiniMaxTaskId,
    [property: JsonPropertyName("minimax_status")] string? MiniMaxStatus,
    int? VideoWidth,
    int? VideoHeight,
    Guid? VideoId,
    Guid? NarratedVideoId)
{
    public static GenerationResponse Of(GenerationView view)
    {
        var g = view.Generation;
        return new(TaskStatusResponse.Of(view.Task), g.Prompt, g.Model, g.DurationSeconds, g.Resolution, g.PromptOptimizer,
            g.FirstFramePath is null ? null : MediaEndpoints.UrlOf(g.FirstFramePath), g.NarrationText, g.VoiceId, g.Phase,
            g.MiniMaxTaskId, g.MiniMaxStatus, g.VideoWidth, g.VideoHeight, g.ResultVideoId, g.NarratedVideoId);
    }
}

public sealed record VoiceResponse(string VoiceId, string Name, bool Cloned);

public sealed record VideoModelResponse(string Name, IReadOnlyList<string> Resolutions, IReadOnlyList<int> Durations, FirstFrameUse FirstFrame, string Description);

/// <summary>Video generation with MiniMax: submit, follow, list what can be asked for.</summary>
internal static class GenerationEndpoints
{
    private const string NotConfigured =
        "Video generation is off: set MiniMax:ApiKey (environment MiniMax__ApiKey), or point MiniMax:BaseUrl at the emulator (see README).";

    public static IEndpointRouteBuilder MapGenerationApi(this IEndpointRouteBuilder app)
    {
        var generations = app.MapGroup("/api/generations").WithTags("Generation").RequireAuthorization(Policies.Viewer);
        generations.MapPost("", CreateAsync).WithName("CreateGeneration").RequireAuthorization(Policies.Uploader).RequireLimit(LimitKind.Generation)
            .WithSummary("Ask MiniMax for a video from a prompt (and a first frame); 202 with the task to follow. Nothing is sent before the submit slot.");
        generations.MapGet("/{taskId:guid}", GetAsync).WithName("GetGeneration")
            .WithSummary("A generation: its task (status, step, progress, error), MiniMax's task id and status, the stored videos.");
        generations.MapGet("/models", () => TypedResults.Ok(GenerationRules.Models
                .Select(m => new VideoModelResponse(m.Name, m.Resolutions, m.Durations, m.FirstFrame, m.Description)).ToArray()))
            .WithName("ListGenerationModels")
            .WithSummary("The models that can be asked for, with their resolutions and durations.");
        generations.MapGet("/voices", VoicesAsync).WithName("ListVoices")
            .WithSummary("MiniMax's voices for narration (cached for ten minutes).");
        return app;
    }

    private static Task<Results<Accepted<GenerationAccepted>, ProblemHttpResult, ValidationProblem>> CreateAsync(
        GenerationRequest? request, HttpContext http, GenerationService generations, QueuedTaskCap cap, CancellationToken cancellationToken) =>
        SubmitAsync(request is null ? null : new GenerationInput(
            request.Prompt, request.Model, request.Duration, request.Resolution, request.PromptOptimizer,
            request.FirstFrame, request.FirstFrameId, null, request.Narration?.Text, request.Narration?.VoiceId, http.Actor()), http.User, generations, cap, cancellationToken);

    /// <summary>Stores a generation request for the submit job, or says what is wrong with it; the MCP tool <c>generate_video</c> calls it too.</summary>
    internal static async Task<Results<Accepted<GenerationAccepted>, ProblemHttpResult, ValidationProblem>> SubmitAsync(
        GenerationInput? input, System.Security.Claims.ClaimsPrincipal user, GenerationService generations, QueuedTaskCap cap, CancellationToken cancellationToken)
    {
        if (!generations.IsConfigured)
        {
            return TypedResults.Problem(NotConfigured, statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        if (input is null)
        {
            return TypedResults.Problem("Send a JSON body: {\"prompt\": \"...\"}.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (await cap.RefusalAsync(user, cancellationToken) is { } tooMany)
        {
            return tooMany;
        }

        try
        {
            var task = await generations.CreateAsync(input, cancellationToken);
            var id = task.Id.ToString();
            return TypedResults.Accepted($"/api/generations/{id}", new GenerationAccepted("Generation queued", id, $"/api/generations/{id}"));
        }
        catch (GenerationInputException e)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["request"] = [.. e.Problems] },
                detail: string.Join(" ", e.Problems),
                title: "MiniMax would refuse this request; nothing was stored or sent.");
        }
    }

    internal static async Task<Results<Ok<GenerationResponse>, NotFound<TaskNotFoundResponse>>> GetAsync(
        Guid taskId, GenerationService generations, CancellationToken cancellationToken) =>
        await generations.GetAsync(taskId, cancellationToken) is { } view
            ? TypedResults.Ok(GenerationResponse.Of(view))
            : TypedResults.NotFound(new TaskNotFoundResponse(taskId.ToString()));

    private static async Task<Results<Ok<VoiceResponse[]>, ProblemHttpResult>> VoicesAsync(
        GenerationService generations, CancellationToken cancellationToken)
    {
        if (!generations.IsConfigured)
        {
            return TypedResults.Problem(NotConfigured, statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        try
        {
            var voices = await generations.GetVoicesAsync(cancellationToken);
            return TypedResults.Ok(voices.Select(v => new VoiceResponse(v.Id, v.Name, v.Cloned)).ToArray());
        }
        catch (MiniMaxException e)
        {
            return TypedResults.Problem($"MiniMax did not list its voices: {e.Message}", statusCode: StatusCodes.Status502BadGateway);
        }
    }
}
