using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using VaasWeb.Processing.Tasks;
using VaasWeb.Realtime;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Realtime;

/// <summary>
/// Two real app hosts (Program.cs as shipped, each on its own port) sharing one real Redis with a password: a hub
/// client and the circuits on either node get every change once, wherever it happened.
/// </summary>
public sealed class CrossNodeEventsTests : IAsyncLifetime
{
    private const string RedisPassword = "e2e-redis-password";
    private readonly TempDirectory _temp = new();
    private RedisServer _redis = null!;
    private VaasApp _a = null!;
    private VaasApp _b = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartedAsync(RedisPassword);
        _a = VaasApp.Start(_temp.Combine("a"), Node("node-a"));
        _b = VaasApp.Start(_temp.Combine("b"), Node("node-b"));
    }

    [Fact]
    public async Task HubClientsAndCircuitsOnEitherNode_GetEveryChangeOnce_InOrder_WhereverItHappened()
    {
        await using var hubA = await ConnectAsync(_a);
        await using var hubB = await ConnectAsync(_b);
        var onHubA = Record(hubA);
        var onHubB = Record(hubB);
        var onCircuitsA = new ConcurrentQueue<TaskSnapshot>();
        using var circuitA = _a.Services.GetRequiredService<ITaskUpdates>().Subscribe(onCircuitsA.Enqueue);
        await _redis.WaitForSubscribersAsync(RedisTaskEventRelay.ChannelName, 2);

        var (onB, onA) = (Guid.NewGuid(), Guid.NewGuid());
        var fromB = Enumerable.Range(1, 60).Select(i => Change(onB, i)).ToArray();
        var fromA = Enumerable.Range(1, 60).Select(i => Change(onA, i)).ToArray();
        var sinkA = _a.Services.GetRequiredService<ITaskEventSink>();
        var sinkB = _b.Services.GetRequiredService<ITaskEventSink>();
        for (var i = 0; i < fromB.Length; i++)
        {
            await sinkB.PublishAsync(fromB[i]);
            await sinkA.PublishAsync(fromA[i]);
            if (i % 10 == 9)
            {
                await Task.Delay(25);
            }
        }

        var all = fromA.Length + fromB.Length;
        await Eventually.TrueAsync(() => onHubA.Count >= all && onHubB.Count >= all && onCircuitsA.Count >= all, "both hub clients and node A's circuits to get all 120 changes");
        await Task.Delay(500);
        foreach (var received in new[] { onHubA.ToArray(), onHubB.ToArray(), onCircuitsA.ToArray() })
        {
            Assert.Equal(all, received.Length);
            Assert.Equal(Versions(fromB), Versions(received.Where(c => c.TaskId == onB)));
            Assert.Equal(Versions(fromA), Versions(received.Where(c => c.TaskId == onA)));
        }

        Assert.Equal(fromB, onHubA.Where(c => c.TaskId == onB));
        Assert.NotEmpty(await _redis.ChannelsAsync($"{RealtimeExtensions.BackplaneChannelPrefix}*"));
        Assert.DoesNotContain(_a.Logs.Entries.Concat(_b.Logs.Entries), e => e.ToString().Contains(RedisPassword));
    }

    [Fact]
    public async Task Healthz_ReportsRedisByAddress_DegradedWhileItIsAway_NeverWithThePassword()
    {
        using var http = new HttpClient { BaseAddress = _a.BaseAddress };

        // The body whatever the overall status: this is about the Redis entry, not about ffmpeg on this machine.
        var up = await (await http.GetAsync("/healthz")).Content.ReadAsStringAsync();
        var redis = JsonNode.Parse(up)!["checks"]!["redis"]!;
        Assert.Equal("Healthy", redis["status"]!.GetValue<string>());
        Assert.StartsWith($"127.0.0.1:{_redis.Port}, ping ", redis["description"]!.GetValue<string>());
        Assert.NotNull(redis["duration_ms"]);

        await _redis.StopAsync();
        var body = await (await http.GetAsync("/healthz")).Content.ReadAsStringAsync();
        Assert.Equal("Degraded", JsonNode.Parse(body)!["checks"]!["redis"]!["status"]!.GetValue<string>());
        Assert.DoesNotContain(RedisPassword, up + body);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _redis.DisposeAsync();
        _temp.Dispose();
    }

    private Dictionary<string, string?> Node(string name) => new()
    {
        ["Worker:Id"] = name,
        ["ConnectionStrings:Redis"] = _redis.ConnectionString,
    };

    internal static TaskSnapshot Change(Guid taskId, long version)
    {
        var created = new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);
        return new TaskSnapshot(taskId, TaskKind.Ingestion, TaskState.InProgress, "frames", null, version, 1, null, "clip.mp4", null, null, null,
            created, created, null, created.AddMilliseconds(version), false, version);
    }

    internal static IEnumerable<long> Versions(IEnumerable<TaskSnapshot> changes) => changes.Select(c => c.Version);

    internal static ConcurrentQueue<TaskSnapshot> Record(HubConnection hub)
    {
        var received = new ConcurrentQueue<TaskSnapshot>();
        hub.On<TaskSnapshot[]>(nameof(ITaskHubClient.TasksChanged), changes =>
        {
            foreach (var change in changes)
            {
                received.Enqueue(change);
            }
        });
        return received;
    }

    internal static async Task<HubConnection> ConnectAsync(VaasApp app)
    {
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(app.BaseAddress, TaskHub.Path), o => o.Headers[Processing.Accounts.ApiKeyService.HeaderName] = app.AdminApiKey)
            .AddJsonProtocol(o => HostingExtensions.ConfigureWireFormat(o.PayloadSerializerOptions))
            .Build();
        await hub.StartAsync();
        return hub;
    }
}
