using System.Collections.Immutable;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using VaasWeb.Processing.Tasks;

namespace VaasWeb.Realtime;

/// <summary>
/// Fans task changes out to Blazor circuits in this process (synchronously: a circuit only queues a render)
/// and to SignalR clients (through a queue drained by one sender, so jobs never wait on a slow socket and
/// every client sees the changes in the order they happened).
/// </summary>
public sealed class TaskEventNotifier : BackgroundService, ITaskEventSink, ITaskUpdates
{
    private readonly IHubContext<TaskHub, ITaskHubClient> _hub;
    private readonly ILogger<TaskEventNotifier> _logger;
    private readonly Channel<TaskSnapshot> _outbox = Channel.CreateUnbounded<TaskSnapshot>(new UnboundedChannelOptions { SingleReader = true });
    private ImmutableArray<Action<TaskSnapshot>> _subscribers = [];

    public TaskEventNotifier(IHubContext<TaskHub, ITaskHubClient> hub, ILogger<TaskEventNotifier> logger)
    {
        _hub = hub;
        _logger = logger;
    }

    public IDisposable Subscribe(Action<TaskSnapshot> onChange)
    {
        ImmutableInterlocked.Update(ref _subscribers, list => list.Add(onChange));
        return new Subscription(() => ImmutableInterlocked.Update(ref _subscribers, list => list.Remove(onChange)));
    }

    public ValueTask PublishAsync(TaskSnapshot snapshot)
    {
        foreach (var subscriber in _subscribers)
        {
            try
            {
                subscriber(snapshot);
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "A task subscriber failed on task {TaskId}", snapshot.TaskId);
            }
        }

        _outbox.Writer.TryWrite(snapshot);
        return ValueTask.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var snapshot in _outbox.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await _hub.Clients.All.TaskChanged(snapshot);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogWarning(e, "Sending task {TaskId} to hub clients failed", snapshot.TaskId);
            }
        }
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                dispose();
            }
        }
    }
}
