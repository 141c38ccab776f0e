using System.Diagnostics;

namespace VaasWeb.Processing.Telemetry;

/// <summary>
/// VaasWeb's spans, on the activity source <see cref="SourceName"/>: a task's run (a child of the request that queued
/// it, through the <c>traceparent</c> its trigger carries), each ingestion step inside it, and each MiniMax call.
/// Nothing is recorded unless a tracer provider listens (OpenTelemetry, set up by the web host).
/// </summary>
public static class VaasTracing
{
    public const string SourceName = "VaasWeb";

    /// <summary>The job data key of the W3C trace context of whoever queued a task.</summary>
    public const string TraceParentKey = "traceparent";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>The current trace context in W3C form, to be carried with work that runs later; null outside any trace.</summary>
    public static string? CurrentTraceParent() => Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>
    /// The span of one run of a task, a child of <paramref name="traceParent"/> when the task was queued within a trace
    /// (a request), linked to the span around it (Quartz's job span) when there is one.
    /// </summary>
    public static Activity? StartTaskRun(string kind, Guid taskId, int attempt, string? traceParent)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var around = Activity.Current;
        var links = around is null ? null : new[] { new ActivityLink(around.Context) };
        var parent = ActivityContext.TryParse(traceParent, null, out var queuedBy) ? queuedBy : around?.Context ?? default;
        var activity = Source.StartActivity($"task.run {kind}", ActivityKind.Internal, parent, links: links);
        activity?.SetTag("vaas.task.id", taskId.ToString());
        activity?.SetTag("vaas.task.kind", kind);
        activity?.SetTag("vaas.task.attempt", attempt);
        return activity;
    }

    /// <summary>Marks a span failed with what went wrong (the error code, as the task records it).</summary>
    public static void Fail(Activity? activity, string code, string message)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag("error.type", code);
        activity.SetStatus(ActivityStatusCode.Error, message);
    }
}
