namespace VaasWeb.Processing.Webhooks;

/// <summary>The events a webhook can ask for, by the names the API and the payload's <c>event</c> use.</summary>
public static class WebhookEvents
{
    public const string Completed = "task.completed";
    public const string Failed = "task.failed";
    public const string Cancelled = "task.cancelled";

    /// <summary>A running task's progress, at most once per <c>Webhooks:ProgressIntervalSeconds</c> per task.</summary>
    public const string Progress = "task.progress";

    public static readonly IReadOnlyList<string> All = [Completed, Failed, Cancelled, Progress];

    public static bool IsKnown(string? name) => name is not null && All.Contains(name);
}
