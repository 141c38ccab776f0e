using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VaasWeb.Processing.Tasks;
using VaasWeb.Realtime;

namespace VaasWeb.Tests.Unit.Realtime;

/// <summary>
/// One node's live events exactly as the app registers them (notifier, relay, SignalR with its backplane), in a host
/// of its own: two of them on one Redis are two nodes. Records what reached its in-process subscribers (the circuits).
/// </summary>
internal sealed class LiveEventNode : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly ConcurrentQueue<TaskSnapshot> _delivered = new();
    private readonly IDisposable _subscription;

    private LiveEventNode(IHost host)
    {
        _host = host;
        _subscription = Services.GetRequiredService<ITaskUpdates>().Subscribe(_delivered.Enqueue);
    }

    public IServiceProvider Services => _host.Services;

    /// <summary>What jobs publish to.</summary>
    public ITaskEventSink Sink => Services.GetRequiredService<ITaskEventSink>();

    /// <summary>Every change this node's circuits were handed, in the order they were handed.</summary>
    public IReadOnlyList<TaskSnapshot> Delivered => _delivered.ToArray();

    /// <param name="redis">ConnectionStrings:Redis; null for a single node.</param>
    public static IHost Build(string? redis)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = redis });
        builder.Services.AddVaasRealtime(builder.Configuration);
        return builder.Build();
    }

    public static async Task<LiveEventNode> StartAsync(string? redis)
    {
        var host = Build(redis);
        await host.StartAsync();
        return new LiveEventNode(host);
    }

    public async ValueTask DisposeAsync()
    {
        _subscription.Dispose();
        await _host.StopAsync();
        _host.Dispose();
    }

    /// <summary>A running task's change; <paramref name="version"/> is also its progress, so order shows.</summary>
    public static TaskSnapshot Change(Guid taskId, long version)
    {
        var created = new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);
        return new TaskSnapshot(taskId, TaskKind.Ingestion, TaskState.InProgress, "frames", null, version % 100, 1, null, "clip.mp4", null, null, null,
            created, created, null, created.AddMilliseconds(version), false, version);
    }
}
