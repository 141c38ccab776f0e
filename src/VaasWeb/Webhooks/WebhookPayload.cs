using System.Text.Json;
using VaasWeb.Api;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Webhooks;

namespace VaasWeb.Webhooks;

/// <summary>The body VaasWeb posts: the task exactly as <c>/task-status/{id}</c> shows it, in the API's wire format.</summary>
internal sealed class WebhookPayload : IWebhookPayload
{
    private static readonly JsonSerializerOptions Wire = CreateWire();

    public string Write(string eventName, Guid eventId, DateTimeOffset occurredAt, TaskSnapshot task) =>
        JsonSerializer.Serialize(new WebhookBody(eventName, eventId.ToString(), occurredAt, TaskStatusResponse.Of(task)), Wire);

    private static JsonSerializerOptions CreateWire()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        HostingExtensions.ConfigureWireFormat(options);
        return options;
    }
}

/// <summary>What a webhook receives: <c>{"event", "event_id", "occurred_at", "task"}</c>.</summary>
public sealed record WebhookBody(string Event, string EventId, DateTimeOffset OccurredAt, TaskStatusResponse Task);
