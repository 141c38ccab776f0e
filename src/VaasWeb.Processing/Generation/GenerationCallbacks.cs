using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Generation.MiniMax;

namespace VaasWeb.Processing.Generation;

/// <summary>
/// The <c>callback_url</c> a submit gives MiniMax (when <see cref="MiniMaxOptions.CallbackBaseUrl"/> is set):
/// <c>{base}/api/minimax/callback/{task id}?token=…</c>. The token is the task id protected with the app's data
/// protection keys (shared by every node), so only the URL VaasWeb itself handed out is answered: a caller who
/// guesses a task id, or replays one task's URL for another, is ignored without a database read.
/// </summary>
public sealed class GenerationCallbacks(IDataProtectionProvider protection, IOptions<MiniMaxOptions> options)
{
    public const string PathPrefix = "/api/minimax/callback";

    private readonly IDataProtector _protector = protection.CreateProtector("VaasWeb.MiniMax.Callback.v1");

    public bool Enabled => options.Value.CallbackBaseUrl is not null;

    public static bool IsUsableBase(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Query.Length == 0 && uri.Fragment.Length == 0;

    /// <summary>The URL for this generation's callbacks, or null when callbacks are off.</summary>
    public string? UrlFor(Guid taskId)
    {
        if (options.Value.CallbackBaseUrl is not { } configured)
        {
            return null;
        }

        var token = _protector.Protect(taskId.ToString("N"));
        return $"{configured.TrimEnd('/')}{PathPrefix}/{taskId:N}?token={Uri.EscapeDataString(token)}";
    }

    /// <summary>Whether <paramref name="token"/> is the one <see cref="UrlFor"/> made for this task.</summary>
    public bool IsGenuine(Guid taskId, string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return false;
        }

        try
        {
            return _protector.Unprotect(token) == taskId.ToString("N");
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }
}
