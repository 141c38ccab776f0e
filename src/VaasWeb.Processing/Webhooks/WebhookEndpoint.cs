namespace VaasWeb.Processing.Webhooks;

/// <summary>
/// A URL a user asked VaasWeb to call when their tasks change. The secret is kept only as Data Protection ciphertext
/// (<see cref="WebhookSecrets"/>): it can still sign, but the database alone does not give it away.
/// </summary>
public sealed class WebhookEndpoint
{
    private WebhookEndpoint()
    {
    }

    public WebhookEndpoint(string ownerId, string url, string protectedSecret, IReadOnlyCollection<string> events, DateTimeOffset createdAt)
    {
        Id = Guid.NewGuid();
        OwnerId = ownerId;
        Url = url;
        ProtectedSecret = protectedSecret;
        Events = string.Join(',', events);
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }
    public string OwnerId { get; private set; } = "";
    public string Url { get; private set; } = "";
    public string ProtectedSecret { get; private set; } = "";

    /// <summary>The event names, comma-separated (a handful, always read whole).</summary>
    public string Events { get; private set; } = "";

    public DateTimeOffset CreatedAt { get; private set; }

    public IReadOnlyList<string> EventList => Events.Split(',', StringSplitOptions.RemoveEmptyEntries);

    public bool Wants(string eventName) => EventList.Contains(eventName);
}
