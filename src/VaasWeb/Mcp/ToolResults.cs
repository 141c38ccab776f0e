using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using ModelContextProtocol.Protocol;
using VaasWeb.Api;

namespace VaasWeb.Mcp;

/// <summary>
/// Turns what a REST handler answered into a tool result: its value as structured content (and as JSON text for
/// clients that read only text), its problem's sentence as a tool error. So a tool says exactly what the API says.
/// </summary>
internal static class ToolResults
{
    /// <summary>The API's wire format (snake_case, string enums), for results and their schemas alike.</summary>
    public static readonly JsonSerializerOptions Wire = CreateWire();

    public static CallToolResult Ok<T>(T value)
    {
        var json = JsonSerializer.SerializeToElement(value, Wire);
        return new CallToolResult { Content = [new TextContentBlock { Text = json.GetRawText() }], StructuredContent = json };
    }

    public static CallToolResult Error(string sentence) => new() { IsError = true, Content = [new TextContentBlock { Text = sentence }] };

    /// <summary>A REST answer: the value of a 200 or 202, else the sentence the API would have sent.</summary>
    public static CallToolResult From<T>(IResult result, Func<T, object>? shape = null) => result switch
    {
        Ok<T> { Value: { } value } => Ok(shape is null ? value : shape(value)),
        Accepted<T> { Value: { } value } => Ok(shape is null ? value : shape(value)),
        _ => Error(SentenceOf(result)),
    };

    /// <summary>The detail a problem answer carries; an unknown task is the seed's own body, as JSON.</summary>
    public static string SentenceOf(IResult result) => result switch
    {
        ProblemHttpResult problem => problem.ProblemDetails.Detail ?? problem.ProblemDetails.Title ?? "The request failed.",
        ValidationProblem invalid => invalid.ProblemDetails.Detail ?? invalid.ProblemDetails.Title ?? "The request is not valid.",
        NotFound<TaskNotFoundResponse> { Value: { } missing } => JsonSerializer.Serialize(missing, Wire),
        _ => throw new InvalidOperationException($"No tool result for {result.GetType().Name}."),
    };

    private static JsonSerializerOptions CreateWire()
    {
        // Not a copy of the SDK's options: their enum converter (no naming policy) would come before the API's.
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver() };
        HostingExtensions.ConfigureWireFormat(options);
        return options;
    }
}
