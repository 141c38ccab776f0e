using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MiniMax.Emulator.Contract;

/// <summary>MiniMax's wire format: snake_case names, absent rather than null fields.</summary>
public static class ContractJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // The real service is case-sensitive; accepting "Model" here would hide a client bug until production.
        PropertyNameCaseInsensitive = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // "&" in download URLs and Chinese voice names as themselves, the way the service writes them, not \u0026.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Reads a JSON body; a body that is not JSON of the right shape is the caller's error, not an exception.</summary>
    public static async Task<(T? Value, string? Error)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, Options, cancellationToken);
            return value is null ? (null, "invalid params: empty body") : (value, null);
        }
        catch (JsonException e)
        {
            return (null, $"invalid params: body is not valid JSON for this endpoint ({e.Path ?? "root"})");
        }
    }
}
