using System.Collections.Concurrent;

namespace VaasWeb.Processing.Tasks;

/// <summary>
/// The tasks running in this process and how to stop each. A cancel reaches the exact run it was meant for;
/// on other nodes the cancel request in the task row does the same, a moment later.
/// </summary>
public sealed class RunningTasks
{
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _running = new();

    public IDisposable Register(Guid taskId, CancellationTokenSource stop)
    {
        _running[taskId] = stop;
        return new Registration(() => _running.TryRemove(new KeyValuePair<Guid, CancellationTokenSource>(taskId, stop)));
    }

    public bool IsRunningHere(Guid taskId) => _running.ContainsKey(taskId);

    /// <summary>The tasks that run here now.</summary>
    public IReadOnlyCollection<Guid> Ids => _running.Keys.ToArray();

    /// <summary>Stops the task's run in this process; false when it does not run here.</summary>
    public bool TryStop(Guid taskId)
    {
        if (!_running.TryGetValue(taskId, out var stop))
        {
            return false;
        }

        try
        {
            stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // It finished while we looked.
        }

        return true;
    }

    private sealed class Registration(Action remove) : IDisposable
    {
        public void Dispose() => remove();
    }
}
