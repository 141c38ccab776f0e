using VaasWeb.Processing.Failures;

namespace VaasWeb.Processing.Generation.MiniMax;

/// <summary>
/// A MiniMax call that did not give an answer to use, after the resilience pipeline had its tries.
/// <see cref="MiniMaxCode"/> is MiniMax's <c>base_resp</c> code ("1026") or what went wrong on the way ("http_503",
/// "timeout", "connection", "malformed", "circuit_open"); a task it ends fails with that code marked as MiniMax's
/// (<see cref="TaskFailureException.Code"/>, "minimax_1026"). The message is safe to show (it never holds the key).
/// </summary>
public sealed class MiniMaxException(string code, string message, bool isTransient, bool mayHaveReachedServer, Exception? inner = null)
    : TaskFailureException(ErrorCodes.MiniMax(code), message, inner)
{
    public string MiniMaxCode { get; } = code;

    /// <summary>Trying again later can succeed (overload, outage, rate limit); otherwise only a changed request can.</summary>
    public bool IsTransient { get; } = isTransient;

    /// <summary>
    /// False only when the request certainly did not take effect (refused connection, 429, an error code in the
    /// answer). A submit that may have reached MiniMax is never sent again: it could be charged twice.
    /// </summary>
    public bool MayHaveReachedServer { get; } = mayHaveReachedServer;
}

/// <summary>A presigned download URL that no longer works (403/404/410): ask MiniMax for a fresh one.</summary>
public sealed class DownloadUrlExpiredException(int status) : Exception($"The download link was refused with HTTP {status}; it has probably expired.")
{
    public int Status { get; } = status;
}

/// <summary>The <c>base_resp</c> codes of the contract: which are worth another try, and what each means in words.</summary>
public static class MiniMaxErrorCodes
{
    private const string CheckKey = "Check MiniMax:ApiKey, and that the key belongs to MiniMax:BaseUrl's region (api.minimax.io or api.minimaxi.com).";

    private static readonly Dictionary<int, (string Meaning, bool Retryable, string? Hint)> Known = new()
    {
        [1000] = ("unknown error", true, null),
        [1001] = ("timeout", true, null),
        [1002] = ("rate limit", true, null),
        [1004] = ("not authorized", false, CheckKey),
        [1008] = ("insufficient balance", false, "Top up the MiniMax account."),
        [1024] = ("internal error", true, null),
        [1026] = ("input sensitive content", false, "Change the prompt or the first frame."),
        [1027] = ("output sensitive content", false, "MiniMax withheld the video; try another prompt."),
        [1033] = ("system or downstream error", true, null),
        [1039] = ("token limit", true, null),
        [1041] = ("connection limit", true, null),
        [1042] = ("too many invisible characters", false, "Remove invisible characters from the text."),
        [2013] = ("invalid parameters", false, null),
        [2038] = ("real-name verification required", false, "Complete verification in the MiniMax console."),
        [2045] = ("rate growth limit", true, null),
        [2049] = ("invalid API key", false, CheckKey),
        [2056] = ("usage limit exceeded", false, "Wait for the plan's limit to reset."),
    };

    public static bool IsRetryable(int code) => Known.TryGetValue(code, out var known) && known.Retryable;

    public static string Meaning(int code) => Known.TryGetValue(code, out var known) ? known.Meaning : "error";

    /// <summary>
    /// "input sensitive content (1026): &lt;MiniMax's message&gt;. Change the prompt…", without repeating a message
    /// equal to the meaning, and with what to do where there is something to do.
    /// </summary>
    public static string Describe(int code, string? statusMessage)
    {
        var meaning = Meaning(code);
        var detail = string.IsNullOrWhiteSpace(statusMessage) || string.Equals(statusMessage.Trim(), meaning, StringComparison.OrdinalIgnoreCase)
            ? ""
            : $": {Trim(statusMessage.Trim())}";
        var hint = Known.TryGetValue(code, out var known) && known.Hint is { } h ? $". {h}" : "";
        return $"{meaning} ({code}){detail}{hint}";
    }

    private static string Trim(string text) => text.Length <= 500 ? text : text[..500] + "…";
}
