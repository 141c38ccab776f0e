using Microsoft.AspNetCore.Components;
using VaasWeb.Processing.Tasks;
using VaasWeb.Realtime;

namespace VaasWeb.Components.Shared;

/// <summary>
/// A page that follows task changes as they happen. Changes are applied on the component's own dispatcher;
/// renders are coalesced (at most one per <see cref="RenderInterval"/>) so a burst of updates costs one render.
/// </summary>
public abstract class LiveComponentBase : ComponentBase, IDisposable
{
    protected static readonly TimeSpan RenderInterval = TimeSpan.FromMilliseconds(100);

    private readonly CancellationTokenSource _disposed = new();
    private IDisposable? _subscription;
    private int _renderQueued;

    [Inject]
    private ITaskUpdates Updates { get; set; } = null!;

    [Inject]
    protected TimeProvider Clock { get; set; } = null!;

    protected DateTimeOffset Now => Clock.GetUtcNow();

    /// <summary>Subscribes before the page loads its data, so nothing that happens meanwhile is missed.</summary>
    protected override void OnInitialized() =>
        _subscription = Updates.Subscribe(task => _ = InvokeAsync(() =>
        {
            if (Apply(task))
            {
                QueueRender();
            }
        }));

    /// <summary>Applies a task change to what the page holds; true when the page should show it.</summary>
    protected abstract bool Apply(TaskSnapshot task);

    /// <summary>
    /// The one "newer version wins" rule: a snapshot is older than what a page holds for the same task when the page
    /// already has a later version (pushed while the page was reading the database, or delivered out of order).
    /// </summary>
    protected static bool IsOlder(TaskSnapshot candidate, TaskSnapshot? held) =>
        held is not null && held.TaskId == candidate.TaskId && held.Version > candidate.Version;

    /// <summary>Puts <paramref name="task"/> into <paramref name="tasks"/> unless it is older than the one there; true when it was kept.</summary>
    protected static bool KeepNewer(IDictionary<Guid, TaskSnapshot> tasks, TaskSnapshot task)
    {
        if (IsOlder(task, tasks.TryGetValue(task.TaskId, out var held) ? held : null))
        {
            return false;
        }

        tasks[task.TaskId] = task;
        return true;
    }

    /// <summary>Re-renders once a second while <paramref name="needed"/> says so (elapsed times, estimates).</summary>
    protected void TickEverySecond(Func<bool> needed) => _ = TickAsync(needed);

    protected void QueueRender()
    {
        if (Interlocked.Exchange(ref _renderQueued, 1) == 0)
        {
            _ = RenderSoonAsync();
        }
    }

    private async Task RenderSoonAsync()
    {
        try
        {
            await Task.Delay(RenderInterval, _disposed.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        Interlocked.Exchange(ref _renderQueued, 0);
        await InvokeAsync(StateHasChanged);
    }

    private async Task TickAsync(Func<bool> needed)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(_disposed.Token))
            {
                if (needed())
                {
                    await InvokeAsync(StateHasChanged);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public virtual void Dispose()
    {
        _subscription?.Dispose();
        _disposed.Cancel();
        _disposed.Dispose();
        GC.SuppressFinalize(this);
    }
}
