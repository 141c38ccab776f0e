using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MiniMax.Emulator.State;

namespace MiniMax.Emulator.Endpoints;

public enum LinkCheck
{
    Valid,
    Expired,
    BadSignature,
}

/// <summary>
/// Signed, expiring download URLs, like the storage links the real service hands out. The signature is a random
/// nonce plus an HMAC over file id, expiry and nonce, so every retrieve gets a different URL and nothing is stored.
/// </summary>
public sealed class DownloadLinks(EmulatorSettings settings, TimeProvider time)
{
    private const int NonceBytes = 8;
    private const int MacBytes = 16;

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public static string PathOf(long fileId) => $"/files/{fileId.ToString(CultureInfo.InvariantCulture)}/content";

    /// <summary>An absolute URL back at this emulator, on the host and port the client used.</summary>
    public string Create(HttpRequest request, long fileId)
    {
        var expires = time.GetUtcNow().AddSeconds(settings.Current.DownloadUrlTtlSeconds).ToUnixTimeSeconds();
        var nonce = RandomNumberGenerator.GetBytes(NonceBytes);
        var sig = Base64Url.EncodeToString([.. nonce, .. Mac(fileId, expires, nonce)]);
        return $"{request.Scheme}://{request.Host}{PathOf(fileId)}?expires={expires.ToString(CultureInfo.InvariantCulture)}&sig={sig}";
    }

    public LinkCheck Check(HttpContext context)
    {
        var fileId = context.Request.RouteValues["file_id"] as string;
        var expires = context.Request.Query["expires"].ToString();
        var sig = context.Request.Query["sig"].ToString();
        if (!long.TryParse(fileId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || !long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var expiresAt))
        {
            return LinkCheck.BadSignature;
        }

        byte[] decoded;
        try
        {
            decoded = Base64Url.DecodeFromChars(sig);
        }
        catch (FormatException)
        {
            return LinkCheck.BadSignature;
        }

        if (decoded.Length != NonceBytes + MacBytes
            || !CryptographicOperations.FixedTimeEquals(decoded.AsSpan(NonceBytes), Mac(id, expiresAt, decoded.AsSpan(0, NonceBytes))))
        {
            return LinkCheck.BadSignature;
        }

        // Compared to the millisecond, so that a TTL of 0 gives a URL that is already expired.
        return time.GetUtcNow().ToUnixTimeMilliseconds() >= expiresAt * 1000 ? LinkCheck.Expired : LinkCheck.Valid;
    }

    private byte[] Mac(long fileId, long expires, ReadOnlySpan<byte> nonce)
    {
        var message = Encoding.ASCII.GetBytes($"{fileId}.{expires}.{Convert.ToHexString(nonce)}");
        return HMACSHA256.HashData(_key, message)[..MacBytes];
    }
}
