using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using VaasWeb.Processing.Webhooks;
using VaasWeb.Security;

namespace VaasWeb.Webhooks;

public sealed record CreateWebhookRequest(string? Url, string? Secret, List<string?>? Events);

/// <summary>A webhook as its owner lists it: never the secret.</summary>
public sealed record WebhookResponse(Guid Id, string Url, IReadOnlyList<string> Events, DateTimeOffset CreatedAt)
{
    public static WebhookResponse Of(WebhookEndpoint e) => new(e.Id, e.Url, e.EventList, e.CreatedAt);
}

/// <summary>One event for one webhook: where it stands, how many HTTP attempts it took, what went wrong last.</summary>
public sealed record WebhookDeliveryResponse(
    Guid Id, string EventId, string Event, Guid TaskId, WebhookDeliveryStatus Status, int Attempts, int? LastStatusCode, string? LastError,
    DateTimeOffset CreatedAt, DateTimeOffset? NextAttemptAt, DateTimeOffset? DeliveredAt, DateTimeOffset GiveUpAt)
{
    public static WebhookDeliveryResponse Of(WebhookDelivery d) => new(
        d.Id, d.EventId.ToString(), d.Event, d.TaskId, d.Status, d.Attempts, d.LastStatusCode, d.LastError, d.CreatedAt,
        d.Status is WebhookDeliveryStatus.Pending or WebhookDeliveryStatus.Sending ? d.NextAttemptAt : null, d.DeliveredAt, d.GiveUpAt);
}

/// <summary>The caller's own webhooks (the same as the Webhooks page, for scripts).</summary>
internal static class WebhookApi
{
    public const string Path = "/api/webhooks";

    public static IEndpointRouteBuilder MapWebhookApi(this IEndpointRouteBuilder app)
    {
        var hooks = app.MapGroup(Path).WithTags("Webhooks").RequireAuthorization(Policies.Viewer);
        hooks.MapGet("", ListAsync).WithName("ListWebhooks")
            .WithSummary("Your webhooks, newest first (never their secrets).");
        hooks.MapPost("", CreateAsync).WithName("CreateWebhook")
            .Accepts<CreateWebhookRequest>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Have VaasWeb POST task events to a URL, signed with your secret (X-Vaas-Signature: sha256=<HMAC-SHA256 of the body>).");
        hooks.MapDelete("/{webhookId:guid}", DeleteAsync).WithName("DeleteWebhook")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Delete one of your webhooks and its pending deliveries.");
        hooks.MapGet("/{webhookId:guid}/deliveries", DeliveriesAsync).WithName("ListWebhookDeliveries")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The newest deliveries of one of your webhooks: status, attempts, last error.");
        return app;
    }

    private static async Task<Ok<WebhookResponse[]>> ListAsync(HttpContext http, WebhookService webhooks, CancellationToken cancellationToken) =>
        TypedResults.Ok((await webhooks.ListAsync(http.User.UserId()!, cancellationToken)).Select(WebhookResponse.Of).ToArray());

    private static async Task<Results<Created<WebhookResponse>, ProblemHttpResult>> CreateAsync(
        HttpRequest request, WebhookService webhooks, CancellationToken cancellationToken)
    {
        CreateWebhookRequest? body;
        try
        {
            body = await request.ReadFromJsonAsync<CreateWebhookRequest>(cancellationToken);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            body = null;
        }

        if (body is null)
        {
            return TypedResults.Problem(
                """The body must be JSON like {"url": "https://example.com/hooks/vaas", "secret": "…", "events": ["task.completed", "task.failed"]}.""",
                statusCode: StatusCodes.Status400BadRequest);
        }

        try
        {
            var made = await webhooks.CreateAsync(request.HttpContext.Actor(), body.Url, body.Secret, body.Events, cancellationToken);
            return TypedResults.Created($"{Path}/{made.Id}", WebhookResponse.Of(made));
        }
        catch (WebhookRegistrationException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest, title: "The webhook was not registered");
        }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid webhookId, HttpContext http, WebhookService webhooks, CancellationToken cancellationToken) =>
        await webhooks.DeleteAsync(webhookId, http.Actor(), cancellationToken)
            ? TypedResults.NoContent()
            : TypedResults.Problem("You have no webhook with this id.", statusCode: StatusCodes.Status404NotFound);

    private static async Task<Results<Ok<WebhookDeliveryResponse[]>, ProblemHttpResult>> DeliveriesAsync(
        Guid webhookId, HttpContext http, WebhookService webhooks, CancellationToken cancellationToken, int limit = 100) =>
        await webhooks.DeliveriesAsync(webhookId, http.User.UserId()!, limit, cancellationToken) is { } deliveries
            ? TypedResults.Ok(deliveries.Select(WebhookDeliveryResponse.Of).ToArray())
            : TypedResults.Problem("You have no webhook with this id.", statusCode: StatusCodes.Status404NotFound);
}
