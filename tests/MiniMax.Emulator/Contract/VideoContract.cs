
namespace MiniMax.Emulator.Contract;

public sealed record VideoGenerationRequest(
    string? Model,
    string? Prompt,
    bool? PromptOptimizer,
    string? FirstFrameImage,
    string? LastFrameImage,
    int? Duration,
    string? Resolution,
    string? CallbackUrl);

public sealed record VideoGenerationResponse(string TaskId, BaseResp BaseResp);

public sealed record QueryResponse(
    string TaskId,
    string Status,
    string? FileId,
    int? VideoWidth,
    int? VideoHeight,
    BaseResp BaseResp);

/// <summary>The <c>status</c> values of a video task, spelled as the service spells them.</summary>
public static class VideoStatus
{
    public const string Preparing = "Preparing";
    public const string Queueing = "Queueing";
    public const string Processing = "Processing";
    public const string Success = "Success";
    public const string Fail = "Fail";
}
