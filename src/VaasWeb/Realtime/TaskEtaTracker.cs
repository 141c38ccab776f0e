using System.Collections.Concurrent;
using VaasWeb.Processing.Tasks;

namespace VaasWeb.Realtime;

/// <summary>
/// Watches every task update and keeps progress readings of the running ones, so every viewer sees the same
/// estimate of the time left, including viewers who opened the board a moment ago.
/// </summary>
public sealed class TaskEtaTracker : IDisposable
{
    private readonly ConcurrentDictionary<Guid, ProgressSamples> _running = new();
    private readonly ConcurrentDictionary<Guid, long> _versions = new();
    private readonly IDisposable _subscription;

    public TaskEtaTracker(ITaskUpdates updates)
    {
        _subscription = updates.Subscribe(Observe);
    }

    public TimeSpan? EtaOf(TaskSnapshot task, DateTimeOffset now) =>
        task.State == TaskState.InProgress && _running.TryGetValue(task.TaskId, out var samples) ? samples.Estimate(now) : null;

    private void Observe(TaskSnapshot task)
    {
        // Updates of one task can be published out of order; a stale "running" must not revive a finished task.
        var newest = _versions.AddOrUpdate(task.TaskId, task.Version, (_, known) => Math.Max(known, task.Version));
        if (newest != task.Version)
        {
            return;
        }

        if (task.State == TaskState.InProgress)
        {
            _running.GetOrAdd(task.TaskId, _ => new ProgressSamples()).Add(task.Step, task.UpdatedAt, task.Progress);
        }
        else
        {
            _running.TryRemove(task.TaskId, out _);
        }
    }

    public void Dispose() => _subscription.Dispose();
}
