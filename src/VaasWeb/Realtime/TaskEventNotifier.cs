using System.Collections.Immutable;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using VaasWeb.Processing.Tasks;

namespace VaasWeb.Realtime;

/// <summary>
/// Fans task changes out to Blazor circuits in this process (synchronously: a circuit only queues a render)
/// and to SignalR clients (through a queue drained by one sender, so jobs never wait on a slow socket and
/// every client sees the changes in the order they happened; changes within 20 ms travel together).
/// With a relay (several nodes), the same batches go to the other nodes, and their changes reach this node's
/// circuits only: the node where a change happened sends it to hub clients, and the SignalR backplane takes it
/// to every node's connections, so each client gets each change once.
/// </summary>
public sealed class TaskEventNotifier : BackgroundService, ITaskEventSink, ITaskUpdates
{
    private readonly IHubContext<TaskHub, ITaskHubClient> _hub;
    private readonly ILogger<TaskEventNotifier> _logger;
    private readonly ITaskEventRelay? _relay;
    private readonly Channel<TaskSnapshot> _outbox = Channel.CreateUnbounded<TaskSnapshot>(new UnboundedChannelOptions { SingleReader = true });
    private const int MaxBatch = 500;

    /// <summary>The most an update waits to travel with others; well under what a person notices.</summary>
    private static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(20);

    private ImmutableArray<Action<TaskSnapshot>> _subscribers = [];

    public TaskEventNotifier(IHubContext<TaskHub, ITaskHubClient> hub, ILogger<TaskEventNotifier> logger, ITaskEventRelay? relay = null)
    {
        _hub = hub;
        _logger = logger;
        _relay = relay;
        _relay?.Receive(Deliver);
    }

    public IDisposable Subscribe(Action<TaskSnapshot> onChange)
    {
        ImmutableInterlocked.Update(ref _subscribers, list => list.Add(onChange));
        return new Subscription(() => ImmutableInterlocked.Update(ref _subscribers, list => list.Remove(onChange)));
    }

    public ValueTask PublishAsync(TaskSnapshot snapshot)
    {
        Deliver(snapshot);
        _outbox.Writer.TryWrite(snapshot);
        return ValueTask.CompletedTask;
    }

    /// <summary>To the circuits in this process.</summary>
    private void Deliver(TaskSnapshot snapshot)
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
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var batch = new List<TaskSnapshot>(MaxBatch);
            while (await _outbox.Reader.WaitToReadAsync(stoppingToken))
            {
                // What happens within one short window goes out as one message, instead of one message per event
                // per client: at 1,000 events a second that is 50 frames a second to each client, not 1,000.
                await Task.Delay(BatchWindow, stoppingToken);
                batch.Clear();
                while (batch.Count < MaxBatch && _outbox.Reader.TryRead(out var snapshot))
                {
                    batch.Add(snapshot);
                }

                var changes = batch.ToArray();
                _relay?.Send(changes);
                try
                {
                    await _hub.Clients.All.TasksChanged(changes);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _logger.LogWarning(e, "Sending {Count} task change(s) to hub clients failed", batch.Count);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping; hub clients are being disconnected anyway.
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
