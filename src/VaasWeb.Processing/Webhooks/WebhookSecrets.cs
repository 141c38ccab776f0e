using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace VaasWeb.Processing.Webhooks;

/// <summary>Keeps webhook secrets as Data Protection ciphertext (the app's key ring) and signs bodies with them.</summary>
public sealed class WebhookSecrets(IDataProtectionProvider protection)
{
    public const string Header = "X-Vaas-Signature";
    public const string SecretRule = "The secret must be 1 to 256 characters; the receiver uses it to check the X-Vaas-Signature header.";

    private readonly IDataProtector _protector = protection.CreateProtector("VaasWeb.Webhooks.Secret.v1");

    public static bool IsValid(string? secret) => secret is { Length: > 0 and <= 256 } && !string.IsNullOrWhiteSpace(secret);

    public string Protect(string secret) => _protector.Protect(secret);

    internal string Unprotect(string protectedSecret) => _protector.Unprotect(protectedSecret);

    /// <summary><c>sha256=</c> and the lowercase hex HMAC-SHA256 of <paramref name="body"/> keyed with the secret's UTF-8 bytes.</summary>
    public static string Sign(string secret, byte[] body) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}
