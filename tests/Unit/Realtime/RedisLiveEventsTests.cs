using System.Diagnostics;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Tasks;
using VaasWeb.Realtime;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.Realtime;

/// <summary>Two nodes on one real Redis (Debian's redis-server, started for this class): changes cross over once, in order.</summary>
public sealed class RedisLiveEventsTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private const string Channel = RedisTaskEventRelay.ChannelName;

    /// <summary>After the last expected change, how long a duplicate gets to show up.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task ChangesPublishedOnNodeB_ReachNodeAOnceInOrder_AndNodeBItselfOnce()
    {
        await using var a = await LiveEventNode.StartAsync(redis.ConnectionString);
        await using var b = await LiveEventNode.StartAsync(redis.ConnectionString);
        await redis.WaitForSubscribersAsync(Channel, 2);
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());

        // Two tasks interleaved, in bursts: several batches, each with changes of both.
        var published = Enumerable.Range(1, 300).Select(i => LiveEventNode.Change(i % 3 == 0 ? first : second, i)).ToArray();
        foreach (var chunk in published.Chunk(30))
        {
            foreach (var change in chunk)
            {
                await b.Sink.PublishAsync(change);
            }

            await Task.Delay(15);
        }

        await WaitUntilAsync(() => a.Delivered.Count >= published.Length, "node A to get node B's 300 changes");
        await Task.Delay(Settle);
        Assert.Equal(Order(published), Order(a.Delivered));
        Assert.Equal(Order(published), Order(b.Delivered));
        // Every field survives the trip through Redis.
        Assert.Equal(published, a.Delivered);
    }

    [Fact]
    public async Task NodeStartedWhileRedisIsDown_Starts_PublishesWithoutWaiting_AndGetsChangesOnceRedisIsUp()
    {
        await using var late = new RedisServer();
        var starting = Stopwatch.StartNew();
        await using var a = await LiveEventNode.StartAsync(late.ConnectionString);
        Assert.True(starting.Elapsed < TimeSpan.FromSeconds(10), $"Node A took {starting.Elapsed} to start without Redis.");

        var own = LiveEventNode.Change(Guid.NewGuid(), 1);
        var publishing = a.Sink.PublishAsync(own);
        Assert.True(publishing.IsCompletedSuccessfully, "Publishing waited for Redis.");
        Assert.Equal([own], a.Delivered);

        await late.StartAsync();
        await using var b = await LiveEventNode.StartAsync(late.ConnectionString);
        await late.WaitForSubscribersAsync(Channel, 2, TimeSpan.FromSeconds(45));
        var published = Enumerable.Range(1, 20).Select(i => LiveEventNode.Change(Guid.NewGuid(), i)).ToArray();
        foreach (var change in published)
        {
            await b.Sink.PublishAsync(change);
        }

        await WaitUntilAsync(() => a.Delivered.Count >= published.Length + 1, "node A to get node B's changes once Redis is up");
        await Task.Delay(Settle);
        Assert.Equal([own, .. published], a.Delivered);
    }

    [Fact]
    public async Task RedisRestarted_NodesSubscribeAgainOnce_AndChangesFlowAgain()
    {
        await using var flaky = await RedisServer.StartedAsync();
        await using var a = await LiveEventNode.StartAsync(flaky.ConnectionString);
        await using var b = await LiveEventNode.StartAsync(flaky.ConnectionString);
        await flaky.WaitForSubscribersAsync(Channel, 2);

        await flaky.StopAsync();
        var duringOutage = LiveEventNode.Change(Guid.NewGuid(), 1);
        Assert.True(b.Sink.PublishAsync(duringOutage).IsCompletedSuccessfully, "Publishing waited for Redis.");
        await flaky.StartAsync();
        await flaky.WaitForSubscribersAsync(Channel, 2, TimeSpan.FromSeconds(45));

        var afterwards = Guid.NewGuid();
        var published = Enumerable.Range(1, 20).Select(i => LiveEventNode.Change(afterwards, i)).ToArray();
        foreach (var change in published)
        {
            await b.Sink.PublishAsync(change);
        }

        await WaitUntilAsync(() => a.Delivered.Count(c => c.TaskId == afterwards) >= published.Length, "node A to get changes after Redis came back");
        await Task.Delay(Settle);
        Assert.Equal(published, a.Delivered.Where(c => c.TaskId == afterwards));
        // Pub/sub keeps nothing for a node that was cut off; what the client held back may arrive, but never twice.
        Assert.True(a.Delivered.Count(c => c.TaskId == duringOutage.TaskId) <= 1);
    }

    [Fact]
    public async Task Health_PingsRedis_AndIsDegradedWithoutThePasswordWhileRedisIsAway()
    {
        await using var guarded = await RedisServer.StartedAsync(password: "s3cret-redis-pass");
        await using var node = await LiveEventNode.StartAsync(guarded.ConnectionString);
        var health = node.Services.GetRequiredService<HealthCheckService>();

        var up = (await health.CheckHealthAsync()).Entries["redis"];
        Assert.Equal(HealthStatus.Healthy, up.Status);
        Assert.StartsWith($"127.0.0.1:{guarded.Port}, ping ", up.Description);

        await guarded.StopAsync();
        var down = (await health.CheckHealthAsync()).Entries["redis"];
        Assert.Equal(HealthStatus.Degraded, down.Status);
        Assert.Contains($"Redis at 127.0.0.1:{guarded.Port} cannot be reached", down.Description);
        Assert.DoesNotContain("s3cret-redis-pass", down.Description);
    }

    /// <summary>Which task, which version: a short list to read when a change went missing or came twice.</summary>
    private static IEnumerable<string> Order(IEnumerable<TaskSnapshot> changes) => changes.Select(c => $"{c.TaskId.ToString()[..8]}@{c.Version}");

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Expected {what}, but it did not happen in time.");
            }

            await Task.Delay(20);
        }
    }
}

/// <summary>What a node does with no Redis string, or with a wrong one, before any server is involved.</summary>
[Trait("Category", "Fast")]
public sealed class RedisSettingTests
{
    [Theory]
    [InlineData("127.0.0.1:6379,password=hunter2,ssl=whatever", "has a value for 'ssl' that is not valid")]
    [InlineData("127.0.0.1:6379,pasword=hunter2", "holds an option StackExchange.Redis does not know")]
    [InlineData("password=hunter2", "names no server")]
    public void Malformed_StopsTheStartWithOneSentenceNamingTheSetting_NeverTheValue(string connectionString, string problem)
    {
        using var host = LiveEventNode.Build(connectionString);

        var wrong = SettingErrors.Describe(Assert.ThrowsAny<Exception>(() => host.Services.ValidateSettings()));

        Assert.Equal(
            "VaasWeb cannot start, a setting is wrong:\n  - ConnectionStrings:Redis must be a StackExchange.Redis configuration string "
            + $"(such as 127.0.0.1:6379,password=…), but it {problem} (the value is not shown: it may hold a password).",
            wrong);
        Assert.DoesNotContain("hunter2", wrong);
    }

    [Fact]
    public void Set_OnlyTheTaskHubUsesTheBackplane_SoBlazorCircuitsDoNotNeedRedis()
    {
        using var host = LiveEventNode.Build("127.0.0.1:6379");

        Assert.IsType<RedisHubLifetimeManager<TaskHub>>(host.Services.GetRequiredService<HubLifetimeManager<TaskHub>>());
        Assert.IsType<DefaultHubLifetimeManager<OtherHub>>(host.Services.GetRequiredService<HubLifetimeManager<OtherHub>>());
    }

    [Fact]
    public async Task Unset_NothingOfRedisIsRegistered_AndChangesReachThisNodeOnce()
    {
        await using var node = await LiveEventNode.StartAsync(redis: null);

        Assert.Null(node.Services.GetService<RedisConnection>());
        Assert.Null(node.Services.GetService<ITaskEventRelay>());
        Assert.DoesNotContain(node.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations, r => r.Name == "redis");
        Assert.IsType<DefaultHubLifetimeManager<TaskHub>>(node.Services.GetRequiredService<HubLifetimeManager<TaskHub>>());

        var change = LiveEventNode.Change(Guid.NewGuid(), 1);
        await node.Sink.PublishAsync(change);
        Assert.Equal([change], node.Delivered);
    }

    /// <summary>Any hub but the task hub, as Blazor's own is.</summary>
    public sealed class OtherHub : Hub;
}
