using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using VaasWeb.Processing.Tasks;
using VaasWeb.Realtime;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Realtime;

/// <summary>A real app host started while its Redis is away: it serves, and joins the cluster's live events once Redis comes.</summary>
public sealed class RedisOutageTests : IDisposable
{
    private const string Password = "outage-redis-password";
    private readonly TempDirectory _temp = new();

    [Fact]
    public async Task NodeStartedWhileRedisIsDown_ServesAtOnce_AndItsHubClientsGetEveryChangeOnceRedisIsUp()
    {
        await using var late = RedisServer.NotStarted(password: Password);
        var starting = Stopwatch.StartNew();
        await using var c = VaasApp.Start(_temp.Combine("c"), new Dictionary<string, string?> { ["Worker:Id"] = "node-c", ["ConnectionStrings:Redis"] = late.ConnectionString });
        Assert.True(starting.Elapsed < TimeSpan.FromSeconds(20), $"Node C took {starting.Elapsed} to start without Redis.");
        var sinkC = c.Services.GetRequiredService<ITaskEventSink>();
        // A change while Redis is away: the backplane's first send finds no server.
        Assert.True(sinkC.PublishAsync(CrossNodeEventsTests.Change(Guid.NewGuid(), 1)).IsCompletedSuccessfully, "Publishing waited for Redis.");
        await Eventually.TrueAsync(
            () => c.Logs.Entries.Any(e => e.Category == typeof(TaskEventNotifier).FullName && e.Message.StartsWith("Sending 1 task change(s) to hub clients failed")),
            "the hub send to fail while Redis is away", TimeSpan.FromSeconds(30));

        await late.StartAsync();
        await using var d = VaasApp.Start(_temp.Combine("d"), new Dictionary<string, string?> { ["Worker:Id"] = "node-d", ["ConnectionStrings:Redis"] = late.ConnectionString });
        await late.WaitForSubscribersAsync(RedisTaskEventRelay.ChannelName, 2, TimeSpan.FromSeconds(45));
        await using var hubC = await CrossNodeEventsTests.ConnectAsync(c);
        var onHubC = CrossNodeEventsTests.Record(hubC);

        var (onD, onC) = (Guid.NewGuid(), Guid.NewGuid());
        var fromD = Enumerable.Range(1, 20).Select(i => CrossNodeEventsTests.Change(onD, i)).ToArray();
        var fromC = Enumerable.Range(1, 20).Select(i => CrossNodeEventsTests.Change(onC, i)).ToArray();
        var sinkD = d.Services.GetRequiredService<ITaskEventSink>();
        for (var i = 0; i < fromD.Length; i++)
        {
            await sinkD.PublishAsync(fromD[i]);
            await sinkC.PublishAsync(fromC[i]);
        }

        await Eventually.TrueAsync(() => onHubC.Count >= fromD.Length + fromC.Length, "node C's hub client to get both nodes' changes once Redis is up", TimeSpan.FromSeconds(45));
        await Task.Delay(500);
        Assert.Equal(Versions(fromD), Versions(onHubC.Where(x => x.TaskId == onD)));
        Assert.Equal(Versions(fromC), Versions(onHubC.Where(x => x.TaskId == onC)));
    }

    public void Dispose() => _temp.Dispose();

    private static IEnumerable<long> Versions(IEnumerable<TaskSnapshot> changes) => changes.Select(c => c.Version);
}
