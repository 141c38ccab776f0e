using System.Text.Json;
using System.Threading.Channels;
using StackExchange.Redis;
using VaasWeb.Processing.Tasks;

namespace VaasWeb.Realtime;

/// <summary>
/// Task changes between nodes over Redis pub/sub (<see cref="ChannelName"/>): one message per batch of this node's
/// changes, <c>{"origin": node, "tasks": [snapshot, …]}</c> in the app's wire format. One sender per node and one
/// connection keep a node's changes in order; messages are handled one at a time, so they arrive in that order.
/// Pub/sub keeps nothing: what is sent while Redis is away is lost, and pages read the database when they (re)load.
/// </summary>
internal sealed class RedisTaskEventRelay(RedisConnection redis, ILogger<RedisTaskEventRelay> logger) : BackgroundService, ITaskEventRelay
{
    public const string ChannelName = "vaas:tasks";
    private static readonly RedisChannel Channel = RedisChannel.Literal(ChannelName);
    private static readonly TimeSpan SubscribeRetry = TimeSpan.FromSeconds(1);

    /// <summary>This host, not the process or <c>Worker:Id</c>: two nodes given one name must still hear each other.</summary>
    private readonly Guid _origin = Guid.NewGuid();

    private readonly Channel<TaskSnapshot[]> _outbox = System.Threading.Channels.Channel.CreateUnbounded<TaskSnapshot[]>(new UnboundedChannelOptions { SingleReader = true });
    private Action<TaskSnapshot> _deliver = _ => { };
    private bool _sendFailing;

    public void Send(IReadOnlyList<TaskSnapshot> changes) => _outbox.Writer.TryWrite([.. changes]);

    public void Receive(Action<TaskSnapshot> deliver) => _deliver = deliver;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var connection = await redis.GetAsync().WaitAsync(stoppingToken);
            WatchConnection(connection);
            _ = SubscribeAsync(connection.GetSubscriber(), stoppingToken);
            await foreach (var changes in _outbox.Reader.ReadAllAsync(stoppingToken))
            {
                Publish(connection.GetSubscriber(), changes);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    private void Publish(ISubscriber subscriber, TaskSnapshot[] changes)
    {
        try
        {
            // Fire and forget: queued by the client in order (and held back while it reconnects), never awaited here.
            subscriber.Publish(Channel, JsonSerializer.SerializeToUtf8Bytes(new TaskChanges(_origin, changes), LiveWireFormat.Options), CommandFlags.FireAndForget);
            _sendFailing = false;
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
        {
            if (!_sendFailing)
            {
                // Once per outage, without the client's message (it names no secret today, but it is not ours to vouch for).
                logger.LogWarning("Sending task changes to the other nodes through Redis at {Endpoints} failed ({Error}); they miss them until it works again",
                    redis.Endpoints, e.GetType().Name);
                _sendFailing = true;
            }
        }
    }

    private async Task SubscribeAsync(ISubscriber subscriber, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Handled one message at a time, in the order Redis delivers them. The client subscribes again by
                // itself after every reconnect, so this succeeds once for the host's lifetime.
                var messages = await subscriber.SubscribeAsync(Channel);
                messages.OnMessage(OnMessage);
                return;
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                // Not connected yet. Drop whatever half-made subscription the client kept, or the retry would make two.
                try
                {
                    await subscriber.UnsubscribeAsync(Channel);
                }
                catch (Exception unsubscribe) when (unsubscribe is RedisException or TimeoutException)
                {
                }

                try
                {
                    await Task.Delay(SubscribeRetry, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private void OnMessage(ChannelMessage message)
    {
        TaskChanges? changes;
        try
        {
            changes = JsonSerializer.Deserialize<TaskChanges>((byte[])message.Message!, LiveWireFormat.Options);
        }
        catch (JsonException)
        {
            logger.LogWarning("A message on Redis channel {Channel} is not a batch of task changes; ignored", ChannelName);
            return;
        }

        if (changes is null || changes.Origin == _origin)
        {
            // This node's own changes reached its pages and hub when they happened.
            return;
        }

        foreach (var task in changes.Tasks)
        {
            _deliver(task);
        }
    }

    private void WatchConnection(ConnectionMultiplexer connection)
    {
        if (!connection.IsConnected)
        {
            logger.LogWarning("Redis at {Endpoints} cannot be reached yet; this node runs on and shares live events once it can", redis.Endpoints);
        }

        // The subscription connection is the one that matters here; the other one fails and returns with it.
        connection.ConnectionFailed += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Subscription)
            {
                logger.LogWarning("Lost Redis at {Endpoints} ({Failure}); live events from other nodes pause until it is back", redis.Endpoints, e.FailureType);
            }
        };
        connection.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Subscription)
            {
                logger.LogInformation("Redis at {Endpoints} is back; live events from other nodes flow again", redis.Endpoints);
            }
        };
    }

    /// <summary>One message on <see cref="ChannelName"/>.</summary>
    private sealed record TaskChanges(Guid Origin, TaskSnapshot[] Tasks);
}
