using System.ComponentModel;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using VaasWeb.Api;
using VaasWeb.Processing.Generation;

namespace VaasWeb.Mcp;

/// <summary>MiniMax video generation as tools, named as MiniMax's own MCP server names them; the REST handlers do the work.</summary>
[McpServerToolType]
internal sealed class GenerationTools(ToolCaller caller, GenerationService generations, Limits.QueuedTaskCap cap)
{
    [McpServerTool(Name = "generate_video", Title = "Generate a video (paid)", ReadOnly = false, Destructive = false, OpenWorld = true,
        UseStructuredContent = true, OutputSchemaType = typeof(GenerationAccepted))]
    [Description("PAID: asks MiniMax for a video from a prompt (and optionally a first frame), which spends credits of the server's MiniMax account; needs the Uploader or Admin role. Answers at once with a task_id; follow it with query_video_generation (a video takes minutes). Every model with its resolutions and durations: GET /api/generations/models. A request MiniMax would refuse is answered with every problem and nothing is stored or sent.")]
    public async Task<CallToolResult> GenerateVideoAsync(
        [Description("What the video should show.")] string prompt,
        [Description("The MiniMax model; MiniMax-Hailuo-2.3 when left out.")] string? model = null,
        [Description("Seconds: 6 or 10 (as the model allows); 6 when left out.")] int? duration = null,
        [Description("512P, 720P, 768P or 1080P (as the model allows); the model's default when left out.")] string? resolution = null,
        [Description("The first frame (JPEG, PNG or WebP): base64 or a data URL such as data:image/jpeg;base64,...")] string? first_frame = null,
        [Description("Let MiniMax rewrite the prompt for a better video; true when left out.")] bool? prompt_optimizer = null,
        [Description("Words to speak over the finished video (MiniMax text-to-speech, also paid), made into a second, narrated video.")] string? narration = null,
        [Description("The narration's voice (a voice_id from GET /api/generations/voices); needed with narration.")] string? voice_id = null,
        CancellationToken cancellationToken = default)
    {
        if (!caller.CanUpload)
        {
            return ToolResults.Error(StatusCodeResponses.Forbidden);
        }

        // A data URL goes to the service as the REST API sends it (same checks, same sentences); plain base64 as bytes.
        var bytes = first_frame is null || Base64Picture.IsDataUrl(first_frame) ? null : Base64Picture.Decode(first_frame);
        var dataUrl = first_frame is not null && bytes is null ? first_frame : null;
        var input = new GenerationInput(prompt, model, duration, resolution, prompt_optimizer, dataUrl, null, bytes, narration, voice_id, caller.Actor);
        return ToolResults.From<GenerationAccepted>((await GenerationEndpoints.SubmitAsync(input, caller.Request.User, generations, cap, cancellationToken)).Result);
    }

    [McpServerTool(Name = "query_video_generation", Title = "Follow a generation", ReadOnly = true, UseStructuredContent = true, OutputSchemaType = typeof(GenerationResponse))]
    [Description("A generation's state, as GET /api/generations/{task_id}: its task (status, progress, error), phase (queued, submitting, generating, retrieving, narrating, done), minimax_status, and video_id once the video is stored in the library.")]
    public async Task<CallToolResult> QueryVideoGenerationAsync(
        [Description("The task_id generate_video returned.")] string task_id,
        CancellationToken cancellationToken = default) =>
        Guid.TryParse(task_id, out var id)
            ? ToolResults.From<GenerationResponse>((await GenerationEndpoints.GetAsync(id, generations, cancellationToken)).Result)
            : ToolResults.Error(ToolResults.SentenceOf(TypedResults.NotFound(new TaskNotFoundResponse(task_id))));
}
