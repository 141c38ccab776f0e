using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using VaasWeb.Processing.Tasks;
using VaasWeb.Realtime;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Realtime;

/// <summary>A .NET SignalR client on /hubs/tasks, as any script or dashboard would connect.</summary>
public sealed class TaskHubTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private VaasApp _app = null!;

    public Task InitializeAsync()
    {
        _app = VaasApp.Start(_temp.Combine("data"));
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Client_ReceivesEveryChangeOfAnIngestionThroughToCompleted()
    {
        await using var hub = await ConnectAsync();
        var received = new ConcurrentQueue<TaskSnapshot>();
        var completed = new TaskCompletionSource<TaskSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<TaskSnapshot[]>(nameof(ITaskHubClient.TasksChanged), snapshots =>
        {
            foreach (var snapshot in snapshots)
            {
                received.Enqueue(snapshot);
                if (TaskStateMachine.IsFinished(snapshot.State))
                {
                    completed.TrySetResult(snapshot);
                }
            }
        });

        var api = new SeedApiClient(_app.CreateHttpClient());
        var upload = await SeedApiClient.ReadJsonAsync(await api.UploadAsync(await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 10), _temp.Combine("hub.mp4"))));
        var taskId = Guid.Parse(upload["task_id"]!.GetValue<string>());
        var last = await completed.Task.WaitAsync(TimeSpan.FromSeconds(90));

        Assert.Equal((taskId, TaskState.Completed, 100.0), (last.TaskId, last.State, last.Progress));
        var mine = received.Where(s => s.TaskId == taskId).ToArray();
        Assert.Equal([TaskState.Pending, TaskState.InProgress, TaskState.Completed], mine.Select(s => s.State).Distinct());
        Assert.Equal(mine.Select(s => s.Version).Order(), mine.Select(s => s.Version));
        Assert.Contains(mine, s => s is { State: TaskState.InProgress, Progress: > 0 and < 100 });
        Assert.Equal("hub.mp4", last.VideoName);

        var fetched = await hub.InvokeAsync<TaskSnapshot?>(nameof(TaskHub.GetTask), taskId);
        Assert.Equal(last.Version, fetched!.Version);
        var recent = await hub.InvokeAsync<IReadOnlyList<TaskSnapshot>>(nameof(TaskHub.GetRecentTasks), 10);
        Assert.Contains(recent, s => s.TaskId == taskId);
    }

    [Fact]
    public async Task Client_FetchingAnUnknownTask_GetsNull()
    {
        await using var hub = await ConnectAsync();

        Assert.Null(await hub.InvokeAsync<TaskSnapshot?>(nameof(TaskHub.GetTask), Guid.NewGuid()));
    }

    private async Task<HubConnection> ConnectAsync()
    {
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(_app.BaseAddress, TaskHub.Path), o => o.Headers[Processing.Accounts.ApiKeyService.HeaderName] = _app.AdminApiKey)
            .AddJsonProtocol(o => HostingExtensions.ConfigureWireFormat(o.PayloadSerializerOptions))
            .Build();
        await hub.StartAsync();
        return hub;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _temp.Dispose();
    }
}
