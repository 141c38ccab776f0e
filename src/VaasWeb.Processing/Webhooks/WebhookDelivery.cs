namespace VaasWeb.Processing.Webhooks;

public enum WebhookDeliveryStatus
{
    /// <summary>Waiting for <see cref="WebhookDelivery.NextAttemptAt"/>.</summary>
    Pending,

    /// <summary>Claimed by a node that is sending it now (until <see cref="WebhookDelivery.ClaimedUntil"/>).</summary>
    Sending,

    Delivered,

    /// <summary>Given up: every try until <see cref="WebhookDelivery.GiveUpAt"/> failed.</summary>
    Failed,
}

/// <summary>
/// One event for one endpoint: the outbox row written with the task change that raised it, then the delivery log.
/// <see cref="Body"/> is fixed when the event happens, so every retry carries the same bytes, signature and event id.
/// </summary>
public sealed class WebhookDelivery
{
    private WebhookDelivery()
    {
    }

    public WebhookDelivery(Guid endpointId, Guid eventId, string eventName, Guid taskId, string body, DateTimeOffset now, DateTimeOffset giveUpAt)
    {
        Id = Guid.NewGuid();
        EndpointId = endpointId;
        EventId = eventId;
        Event = eventName;
        TaskId = taskId;
        Body = body;
        Status = WebhookDeliveryStatus.Pending;
        CreatedAt = now;
        NextAttemptAt = now;
        GiveUpAt = giveUpAt;
    }

    public Guid Id { get; private set; }
    public Guid EndpointId { get; private set; }
    public Guid EventId { get; private set; }
    public string Event { get; private set; } = "";
    public Guid TaskId { get; private set; }
    public string Body { get; private set; } = "";
    public WebhookDeliveryStatus Status { get; private set; }

    /// <summary>HTTP requests sent so far, the resilience handler's quick retries included.</summary>
    public int Attempts { get; private set; }

    /// <summary>Rounds on the durable schedule (each may hold several attempts); sets the next backoff.</summary>
    public int Rounds { get; private set; }

    public int? LastStatusCode { get; private set; }
    public string? LastError { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset NextAttemptAt { get; private set; }
    public DateTimeOffset GiveUpAt { get; private set; }
    public DateTimeOffset? DeliveredAt { get; private set; }
    public string? ClaimedBy { get; private set; }
    public DateTimeOffset? ClaimedUntil { get; private set; }
}
