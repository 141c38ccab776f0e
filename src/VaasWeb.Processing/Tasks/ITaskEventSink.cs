namespace VaasWeb.Processing.Tasks;

/// <summary>
/// The one way background work tells the world a task changed. The host fans each snapshot out to Blazor
/// circuits and to the SignalR hub; a scaled-out deployment swaps in a backplane behind this interface.
/// Implementations must not throw and must not block: a slow viewer never slows a job.
/// </summary>
public interface ITaskEventSink
{
    ValueTask PublishAsync(TaskSnapshot snapshot);
}

internal sealed class NoTaskEvents : ITaskEventSink
{
    public ValueTask PublishAsync(TaskSnapshot snapshot) => ValueTask.CompletedTask;
}
