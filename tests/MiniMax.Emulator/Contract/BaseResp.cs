namespace MiniMax.Emulator.Contract;

/// <summary>The status every MiniMax answer carries; errors usually come back as HTTP 200 with a non-zero code.</summary>
public sealed record BaseResp(int StatusCode, string StatusMsg)
{
    public static readonly BaseResp Success = new(0, "success");
}

/// <summary>An answer that carries nothing but its status (bad key, bad parameters, injected errors).</summary>
public sealed record ErrorResponse(BaseResp BaseResp);

/// <summary>The <c>base_resp.status_code</c> values of the contract, with the wording the emulator uses for them.</summary>
public static class MiniMaxCodes
{
    public const int UnknownError = 1000;
    public const int InternalError = 1024;
    public const int OutputSensitive = 1027;
    public const int InvalidParams = 2013;
    public const int InvalidApiKey = 2049;

    private static readonly Dictionary<int, string> Messages = new()
    {
        [1000] = "unknown error",
        [1001] = "timeout",
        [1002] = "rate limit exceeded",
        [1004] = "not authorized",
        [1008] = "insufficient balance",
        [1024] = "internal error",
        [1026] = "input sensitive content",
        [1027] = "output sensitive content",
        [1033] = "system error",
        [1039] = "token limit",
        [1041] = "connection limit",
        [1042] = "too many invisible characters",
        [2013] = "invalid params",
        [2038] = "real-name verification required",
        [2045] = "rate growth limit",
        [2049] = "invalid api key",
        [2056] = "usage limit exceeded",
    };

    public static string MessageFor(int code) => Messages.GetValueOrDefault(code, "error");
}
