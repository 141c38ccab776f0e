using Microsoft.Extensions.Logging;

namespace VaasWeb.Processing.Tasks;

/// <summary>
/// Takes progress as often as a step likes (ffmpeg reports several times a second, from its own thread) and
/// writes at most one update per <see cref="FlushInterval"/> to the task row, which also publishes it. Each
/// write doubles as a check for a cancel request from any node: when the row says stop, the work is cancelled.
/// </summary>
public sealed class TaskProgress : IAsyncDisposable
{
    /// <summary>About four updates a second per task at most.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>Even without progress, look for a cancel request this often.</summary>
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(1);

    private readonly TaskLifecycle _lifecycle;
    private readonly Guid _taskId;
    private readonly CancellationTokenSource _stopWork;
    private readonly TimeProvider _clock;
    private readonly CancellationTokenSource _stopLoop = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Task _loop;
    private readonly Lock _gate = new();
    private (string Step, double Percent)? _latest;
    private (string Step, double Percent)? _written;
    private DateTimeOffset _lastCheck;

    internal TaskProgress(TaskLifecycle lifecycle, Guid taskId, CancellationTokenSource stopWork, TimeProvider clock)
    {
        _lifecycle = lifecycle;
        _taskId = taskId;
        _stopWork = stopWork;
        _clock = clock;
        _lastCheck = clock.GetUtcNow();
        _loop = RunAsync();
    }

    /// <summary>Overall progress 0–100 while running <paramref name="step"/>. Cheap and thread-safe.</summary>
    public void Report(string step, double percent)
    {
        lock (_gate)
        {
            _latest = (step, percent);
        }
    }

    /// <summary>
    /// Writes the latest value now (step boundaries, so a new step shows at once). Safe from several lanes at once: writes
    /// take turns, and each writes the latest value when its turn comes, so what reaches the row is in the order reported.
    /// </summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            (string Step, double Percent)? latest;
            lock (_gate)
            {
                latest = _latest;
            }

            if (latest is null || latest == _written)
            {
                // Nothing new to say; still look at the row now and then in case someone asked us to stop.
                if (_clock.GetUtcNow() - _lastCheck >= HeartbeatInterval)
                {
                    var current = await _lifecycle.GetSnapshotAsync(_taskId, cancellationToken);
                    _lastCheck = _clock.GetUtcNow();
                    if (current is null || current.CancelRequested || current.State != TaskState.InProgress)
                    {
                        await _stopWork.CancelAsync();
                    }
                }

                return;
            }

            var (step, percent) = latest.Value;
            var result = await _lifecycle.ChangeAsync(_taskId, (task, now) => task.ReportProgress(step, percent, now), cancellationToken);
            _written = latest;
            _lastCheck = _clock.GetUtcNow();
            if (result is null or { Changed: false })
            {
                // The row refused the update: the task was cancelled, or is no longer ours to run.
                await _stopWork.CancelAsync();
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(FlushInterval, _clock);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopLoop.Token))
            {
                try
                {
                    await FlushAsync(_stopLoop.Token);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Progress is advisory; the next tick tries again and the final state is written regardless.
                    _lifecycle.Logger.LogWarning(e, "Writing progress of task {TaskId} failed", _taskId);
                }
            }
        }
        catch (OperationCanceledException) when (_stopLoop.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopLoop.CancelAsync();
        await _loop;
        _stopLoop.Dispose();
        _writeLock.Dispose();
    }
}
