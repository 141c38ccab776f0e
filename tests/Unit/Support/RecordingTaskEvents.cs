using System.Collections.Concurrent;
using VaasWeb.Processing.Tasks;

namespace VaasWeb.Tests.Unit.Support;

/// <summary>An event sink that keeps every snapshot, so tests can wait for and assert on what viewers would see.</summary>
public sealed class RecordingTaskEvents : ITaskEventSink
{
    private readonly ConcurrentQueue<TaskSnapshot> _all = new();
    private readonly List<(Guid TaskId, Func<TaskSnapshot, bool> Until, TaskCompletionSource<TaskSnapshot> Done)> _waiters = [];
    private readonly Lock _gate = new();

    public IReadOnlyList<TaskSnapshot> For(Guid taskId) => _all.Where(s => s.TaskId == taskId).ToArray();

    public ValueTask PublishAsync(TaskSnapshot snapshot)
    {
        _all.Enqueue(snapshot);
        lock (_gate)
        {
            foreach (var waiter in _waiters.Where(w => w.TaskId == snapshot.TaskId && w.Until(snapshot)).ToArray())
            {
                waiter.Done.TrySetResult(snapshot);
                _waiters.Remove(waiter);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The first snapshot of the task that satisfies <paramref name="until"/>, already seen or still to come.</summary>
    public async Task<TaskSnapshot> WaitForAsync(Guid taskId, Func<TaskSnapshot, bool> until, TimeSpan? timeout = null)
    {
        TaskCompletionSource<TaskSnapshot> done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var seen = _all.FirstOrDefault(s => s.TaskId == taskId && until(s));
            if (seen is not null)
            {
                return seen;
            }

            _waiters.Add((taskId, until, done));
        }

        var limit = timeout ?? TimeSpan.FromSeconds(60);
        try
        {
            return await done.Task.WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            var last = For(taskId).LastOrDefault();
            throw new TimeoutException($"Task {taskId} did not reach the expected state within {limit}; last seen: {last}");
        }
    }

    public Task<TaskSnapshot> WaitForFinishAsync(Guid taskId, TimeSpan? timeout = null) =>
        WaitForAsync(taskId, s => TaskStateMachine.IsFinished(s.State), timeout);
}
