using System.Text.RegularExpressions;
using MiniMax.Emulator.Contract;
using MiniMax.Emulator.Faults;
using MiniMax.Emulator.Requests;
using MiniMax.Emulator.State;

namespace MiniMax.Emulator.Endpoints;

/// <summary>Listing voices and cloning one from an uploaded file.</summary>
public static partial class VoiceEndpoints
{
    private static readonly string[] VoiceTypes = ["all", "system", "voice_cloning"];

    public static IEndpointRouteBuilder MapVoiceEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/get_voice", GetVoiceAsync).Emulates(EndpointNames.GetVoice);
        app.MapPost("/v1/voice_clone", CloneAsync).Emulates(EndpointNames.VoiceClone);
        return app;
    }

    private static async Task<IResult> GetVoiceAsync(HttpContext context, VoiceStore voices, CancellationToken cancellationToken)
    {
        var (request, error) = await ContractJson.ReadAsync<GetVoiceRequest>(context.Request, cancellationToken);
        if (request is null)
        {
            return Reply.InvalidParams(error!);
        }

        if (request.VoiceType is null || !VoiceTypes.Contains(request.VoiceType))
        {
            return Reply.InvalidParams($"invalid params, voice_type must be one of: {string.Join(", ", VoiceTypes)}");
        }

        // Both lists are always present (empty when not asked for), so a client never meets a missing array.
        var system = request.VoiceType is "all" or "system" ? voices.SystemVoices : [];
        var cloned = request.VoiceType is "all" or "voice_cloning" ? voices.ClonedVoices : [];
        return Reply.Json(new GetVoiceResponse(system, cloned, BaseResp.Success));
    }

    private static async Task<IResult> CloneAsync(HttpContext context, VoiceStore voices, FileStore files, CancellationToken cancellationToken)
    {
        var (request, error) = await ContractJson.ReadAsync<VoiceCloneRequest>(context.Request, cancellationToken);
        if (request is null)
        {
            return Reply.InvalidParams(error!);
        }

        if (request.FileId is { } id)
        {
            context.Tag(fileId: id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (request.FileId is not { } fileId || files.Find(fileId) is not { } file)
        {
            return Reply.InvalidParams("invalid params, file_id does not exist");
        }

        if (file.Purpose != "voice_clone")
        {
            return Reply.InvalidParams("invalid params, the file was not uploaded with purpose voice_clone");
        }

        if (request.VoiceId is null || !VoiceId().IsMatch(request.VoiceId))
        {
            return Reply.InvalidParams("invalid params, voice_id must be 8-256 letters, digits, - or _, start with a letter and not end with - or _");
        }

        return voices.TryClone(request.VoiceId)
            ? Reply.Json(new VoiceCloneResponse(DemoAudio: "", BaseResp.Success))
            : Reply.InvalidParams($"invalid params, voice_id {request.VoiceId} already exists");
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]{6,254}[A-Za-z0-9]$")]
    private static partial Regex VoiceId();
}
