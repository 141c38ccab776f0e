using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using VaasWeb.Processing.Accounts;
using VaasWeb.Security;

namespace VaasWeb.Api;

/// <summary>A key as its owner lists it: never the key itself, which only its creation answers with.</summary>
public sealed record ApiKeyResponse(Guid Id, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt)
{
    public static ApiKeyResponse Of(ApiKey key) => new(key.Id, key.Name, key.Prefix, key.CreatedAt, key.LastUsedAt, key.RevokedAt);
}

public sealed record CreateApiKeyRequest(string? Name);

/// <summary>The new key, shown this once: only its SHA-256 is kept.</summary>
public sealed record CreatedApiKeyResponse(Guid Id, string Name, string Prefix, DateTimeOffset CreatedAt, string Key);

/// <summary>The caller's own API keys: make, list, revoke (the same as the API keys page, for scripts).</summary>
internal static class ApiKeyEndpoints
{
    public const string Path = "/api/keys";

    public static IEndpointRouteBuilder MapApiKeyApi(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup(Path).WithTags("API keys").RequireAuthorization(Policies.Viewer);
        keys.MapGet("", ListAsync).WithName("ListApiKeys")
            .WithSummary("Your API keys, newest first, revoked ones included (never the keys themselves).");
        keys.MapPost("", CreateAsync).WithName("CreateApiKey")
            .Accepts<CreateApiKeyRequest>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Make a key that acts as you, with your role; the answer is the only time the key is shown.");
        keys.MapDelete("/{keyId:guid}", RevokeAsync).WithName("RevokeApiKey")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Revoke one of your keys; it stops working at once.");
        return app;
    }

    private static async Task<Ok<ApiKeyResponse[]>> ListAsync(HttpContext http, ApiKeyService keys, CancellationToken cancellationToken) =>
        TypedResults.Ok((await keys.ListAsync(http.User.UserId()!, cancellationToken)).Select(ApiKeyResponse.Of).ToArray());

    private static async Task<Results<Created<CreatedApiKeyResponse>, ProblemHttpResult>> CreateAsync(
        HttpRequest request, ApiKeyService keys, CancellationToken cancellationToken)
    {
        CreateApiKeyRequest? body;
        try
        {
            body = await request.ReadFromJsonAsync<CreateApiKeyRequest>(cancellationToken);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            body = null;
        }

        if (!ApiKeyService.IsValidName(body?.Name))
        {
            return TypedResults.Problem($"The body must be JSON like {{\"name\": \"nightly-import\"}}. {ApiKeyService.NameRule}", statusCode: StatusCodes.Status400BadRequest);
        }

        var made = await keys.CreateAsync(request.HttpContext.Actor(), body!.Name!, cancellationToken);
        var key = made.Key;
        return TypedResults.Created($"{Path}/{key.Id}", new CreatedApiKeyResponse(key.Id, key.Name, key.Prefix, key.CreatedAt, made.Secret));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(Guid keyId, HttpContext http, ApiKeyService keys, CancellationToken cancellationToken) =>
        await keys.RevokeAsync(keyId, http.Actor(), asAdmin: false, cancellationToken)
            ? TypedResults.NoContent()
            : TypedResults.Problem("You have no key with this id that is still valid.", statusCode: StatusCodes.Status404NotFound);
}
