namespace VaasWeb.Mcp;

/// <summary>A picture an agent sends inline: plain base64, or a data URL (<c>data:image/png;base64,…</c>).</summary>
internal static class Base64Picture
{
    public static bool IsDataUrl(string text) => text.StartsWith("data:", StringComparison.OrdinalIgnoreCase);

    /// <summary>The bytes, or null when the text is neither.</summary>
    public static byte[]? Decode(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (IsDataUrl(text))
        {
            var comma = text.IndexOf(',');
            if (comma < 0 || !text[..comma].EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            text = text[(comma + 1)..];
        }

        try
        {
            var bytes = Convert.FromBase64String(text.Trim());
            return bytes.Length == 0 ? null : bytes;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
