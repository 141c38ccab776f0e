using Microsoft.EntityFrameworkCore;
using Quartz;
using VaasWeb.Processing.Accounts;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Videos;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.Tasks;

/// <summary>Re-running failed tasks in bulk, on a real database (SQLite here) and the real Quartz scheduler (held in standby).</summary>
public class BulkRerunTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private ProcessingHost _host = null!;
    private IScheduler _scheduler = null!;

    /// <summary>The database these tests run on; <c>OnPostgres/</c> runs them again on PostgreSQL.</summary>
    protected virtual DatabaseProvider Database => DatabaseProvider.Sqlite;

    public async Task InitializeAsync()
    {
        _host = await ProcessingHost.StartAsync(_temp.Path, database: Database);
        _scheduler = await _host.Get<ISchedulerFactory>().GetScheduler();
        // The hosted service starts the scheduler once the host has started; hold it after that, so the triggers
        // a re-run makes stay where the test can count them.
        for (var waited = 0; _scheduler.Status != SchedulerStatus.Running && waited < 100; waited++)
        {
            await Task.Delay(50);
        }

        await _scheduler.Standby();
        Assert.Equal(SchedulerStatus.Standby, _scheduler.Status);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task RerunAllFailed_1000Tasks_QueuesEachExactlyOnceAsANewAttemptKeepingItsHistory()
    {
        var ids = await AddFailedTasksAsync(1000);
        var reported = new List<int>();
        var admin = TestActors.Named("root");

        var result = await _host.Get<TaskCommands>().RerunFailedAsync(null, admin, new SynchronousProgress(reported), CancellationToken.None);

        Assert.Equal(new BulkRerunResult(1000, 0), result);
        Assert.Equal([200, 400, 600, 800, 1000], reported);
        var triggers = await _scheduler.GetTriggerKeys(GroupMatcher<TriggerKey>.GroupEquals("tasks"));
        Assert.Equal(ids.Select(id => id.ToString()).Order(), triggers.Select(t => t.Name).Order());
        await using var db = await _host.DbAsync();
        var tasks = await db.Tasks.Where(t => ids.Contains(t.Id)).ToListAsync();
        Assert.All(tasks, t => Assert.Equal((TaskState.Pending, 2, null), (t.State, t.Attempt, t.ErrorCode)));
        var history = await db.TaskHistory.Where(h => ids.Contains(h.TaskId)).ToListAsync();
        Assert.All(history.GroupBy(h => h.TaskId), h => Assert.Equal(
            [(TaskState.Pending, 1), (TaskState.InProgress, 1), (TaskState.Failed, 1), (TaskState.Pending, 2)],
            h.OrderBy(e => e.Id).Select(e => (e.To, e.Attempt))));
        Assert.Equal(1000, history.Count(h => h.Reason == "re-run requested by root"));
        Assert.Equal(1000, await db.AuditLog.CountAsync(e => e.Action == AuditActions.TaskRerun && e.Actor == "root"));
    }

    [Fact]
    public async Task RerunFailed_TwoFailedTasksOfOneVideo_QueuesOneAndSkipsTheOther()
    {
        var first = (await AddFailedTasksAsync(1)).Single();
        Guid second;
        await using (var db = await _host.DbAsync())
        {
            var video = await db.Videos.SingleAsync();
            second = AddFailed(db, video);
            await db.SaveChangesAsync();
        }

        var result = await _host.Get<TaskCommands>().RerunFailedAsync([first, second], TestActors.Named("root"), null, CancellationToken.None);

        Assert.Equal(new BulkRerunResult(1, 1), result);
        Assert.Single(await _scheduler.GetTriggerKeys(GroupMatcher<TriggerKey>.GroupEquals("tasks")));
    }

    [Fact]
    public async Task RerunFailed_ListedTasksOnly_LeavesTheOthersFailed()
    {
        var ids = await AddFailedTasksAsync(5);

        var result = await _host.Get<TaskCommands>().RerunFailedAsync(ids[..2], TestActors.Named("root"), null, CancellationToken.None);

        Assert.Equal(new BulkRerunResult(2, 0), result);
        await using var db = await _host.DbAsync();
        Assert.Equal(3, await db.Tasks.CountAsync(t => t.State == TaskState.Failed));
    }

    private async Task<Guid[]> AddFailedTasksAsync(int count)
    {
        await using var db = await _host.DbAsync();
        var ids = new Guid[count];
        for (var i = 0; i < count; i++)
        {
            var video = new Video(Guid.NewGuid(), $"clip-{i}.mp4", $"videos/clip-{i}.mp4", 1000, null, VideoSource.Upload, DateTimeOffset.UtcNow);
            db.Videos.Add(video);
            ids[i] = AddFailed(db, video);
        }

        await db.SaveChangesAsync();
        return ids;
    }

    private static Guid AddFailed(Processing.Data.VaasDbContext db, Video video)
    {
        var now = DateTimeOffset.UtcNow;
        var task = ProcessingTask.Create(TaskKind.Ingestion, video, "queued after upload", now);
        task.Start("test-node", now);
        task.Fail("not_a_video", "ffprobe found no video stream", now);
        db.Tasks.Add(task);
        return task.Id;
    }

    /// <summary>Records reports as they are made (Progress&lt;T&gt; would post them to the thread pool, out of order).</summary>
    private sealed class SynchronousProgress(List<int> reported) : IProgress<int>
    {
        public void Report(int value) => reported.Add(value);
    }
}
