using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Tasks;

namespace VaasWeb.Realtime;

/// <summary>What the hub calls on its clients.</summary>
public interface ITaskHubClient
{
    /// <summary>
    /// Tasks changed state or made progress, oldest change first. Usually one; under load, everything that
    /// happened since the last message. Drop a snapshot whose <c>version</c> is lower than the one you hold.
    /// </summary>
    Task TasksChanged(IReadOnlyList<TaskSnapshot> tasks);
}

/// <summary>
/// <c>/hubs/tasks</c>: pushes every task change to every client. After (re)connecting, a client reads the current
/// state with <see cref="GetTask"/> or <see cref="GetRecentTasks"/> and then applies pushed changes on top.
/// </summary>
[Microsoft.AspNetCore.Authorization.Authorize(Policy = Security.Policies.Board)]
public sealed class TaskHub(TaskLifecycle lifecycle, TaskQueries queries) : Hub<ITaskHubClient>
{
    public const string Path = "/hubs/tasks";
    private const int MaxRecent = 1000;

    public Task<TaskSnapshot?> GetTask(Guid taskId) => lifecycle.GetSnapshotAsync(taskId, Context.ConnectionAborted);

    public Task<IReadOnlyList<TaskSnapshot>> GetRecentTasks(int limit) =>
        queries.RecentAsync(Math.Clamp(limit, 1, MaxRecent), cancellationToken: Context.ConnectionAborted);
}
