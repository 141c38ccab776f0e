using VaasWeb.Processing.Tasks;

namespace VaasWeb.Processing.Webhooks;

/// <summary>
/// Writes the body of a webhook call: <c>{"event", "event_id", "occurred_at", "task"}</c> with the task as the host's
/// <c>/task-status/{id}</c> shows it. The host owns that shape, so it implements this.
/// </summary>
public interface IWebhookPayload
{
    string Write(string eventName, Guid eventId, DateTimeOffset occurredAt, TaskSnapshot task);
}

/// <summary>The snapshot itself in snake_case, for processing without the host (admin commands, processing-only tests).</summary>
internal sealed class SnapshotWebhookPayload : IWebhookPayload
{
    private static readonly System.Text.Json.JsonSerializerOptions Wire = new()
    {
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.SnakeCaseLower) },
    };

    public string Write(string eventName, Guid eventId, DateTimeOffset occurredAt, TaskSnapshot task) =>
        System.Text.Json.JsonSerializer.Serialize(new { @event = eventName, event_id = eventId.ToString(), occurred_at = occurredAt, task = new { task_id = task.TaskId, status = task.State, kind = task.Kind.Name, task.Progress } }, Wire);
}
