namespace MiniMax.Emulator.Faults;

/// <summary>A fault as a test asks for it (<c>POST /control/faults</c>); everything but endpoint and kind is optional.</summary>
public sealed record FaultSpec(
    string? Endpoint,
    string? Kind,
    int? Code,
    string? Message,
    int? DelayMs,
    int? Count,
    double? Probability);

/// <summary>An active fault as <c>GET /control/faults</c> lists it; <see cref="Count"/> is what is left.</summary>
public sealed record Fault(
    string Id,
    string Endpoint,
    string Kind,
    int? Code,
    string? Message,
    int? DelayMs,
    int? Count,
    double? Probability);

/// <summary>What one request gets: the kind, and the code, message and delay resolved from the fault's defaults.</summary>
public sealed record AppliedFault(string Kind, int Code, string? Message, int DelayMs)
{
    /// <summary>
    /// slow, drop and malformed act on the normal answer, so the endpoint runs first (a submit creates its task);
    /// the others replace the answer, so the endpoint never runs.
    /// </summary>
    public bool RunsEndpoint => Kind is FaultKinds.Slow or FaultKinds.Drop or FaultKinds.Malformed;
}

public static class FaultKinds
{
    public const string Http500 = "http_500";
    public const string Http502 = "http_502";
    public const string Http503 = "http_503";
    public const string Http429 = "http_429";
    public const string Slow = "slow";
    public const string Drop = "drop";
    public const string Malformed = "malformed";
    public const string BaseResp = "base_resp";

    public static readonly IReadOnlyList<string> All = [Http500, Http502, Http503, Http429, Slow, Drop, Malformed, BaseResp];
}

/// <summary>The endpoint names used by faults and the request log.</summary>
public static class EndpointNames
{
    public const string VideoGeneration = "video_generation";
    public const string Query = "query";
    public const string Retrieve = "retrieve";
    public const string Download = "download";
    public const string T2aV2 = "t2a_v2";
    public const string GetVoice = "get_voice";
    public const string FilesUpload = "files_upload";
    public const string VoiceClone = "voice_clone";
    public const string Any = "*";

    public static readonly IReadOnlyList<string> All = [VideoGeneration, Query, Retrieve, Download, T2aV2, GetVoice, FilesUpload, VoiceClone];
}
