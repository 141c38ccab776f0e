using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Quartz;
using VaasWeb.Processing.Accounts;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Failures;
using VaasWeb.Processing.Generation;
using VaasWeb.Processing.Retention;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Videos;
using VaasWeb.Processing.Webhooks;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.Retention;

/// <summary>Retention on a real database (SQLite here; <c>OnPostgres/</c> again on PostgreSQL), its clock set to a known day.</summary>
public class RetentionTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 3, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _temp = new();
    private ProcessingHost _host = null!;
    private RetentionService _retention = null!;
    private readonly Dictionary<string, Guid> _tasks = [];

    protected virtual DatabaseProvider Database => DatabaseProvider.Sqlite;

    public async Task InitializeAsync()
    {
        _host = await ProcessingHost.StartAsync(_temp.Path, new Dictionary<string, string?> { ["Retention:TaskDays"] = "30" },
            services => services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now)), Database);
        var scheduler = await _host.Get<ISchedulerFactory>().GetScheduler();
        for (var waited = 0; scheduler.Status != SchedulerStatus.Running && waited < 100; waited++)
        {
            await Task.Delay(50);
        }

        await scheduler.Standby();
        _retention = _host.Get<RetentionService>();
        await SeedAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task Run_DeletesExactlyWhatTheDryRunCounted_AndKeepsEachVideosNewestTask()
    {
        var preview = await _retention.PreviewAsync();

        var result = await _retention.RunAsync(TestActors.Named("root"));

        Assert.Equal(new RetentionCounts(Now.AddDays(-30), 3, 1), preview);
        Assert.Equal(preview, result);
        await using var db = await _host.DbAsync();
        var left = await db.Tasks.Select(t => t.Id).ToListAsync();
        Assert.Equal(
            new[] { "video's newest, old", "recent", "running", "pending, old" }.Select(n => _tasks[n]).Order(),
            left.Order());
        // Their rows went with them (the database cascades), the rest stayed.
        Assert.Equal(left.Order(), (await db.TaskHistory.Select(h => h.TaskId).Distinct().ToListAsync()).Order());
        Assert.Equal([_tasks["video's newest, old"]], await db.TaskSteps.Select(s => s.TaskId).Distinct().ToListAsync());
        Assert.Empty(await db.Generations.ToListAsync());
        Assert.False(Directory.Exists(_host.Storage.ToAbsolute(_host.Storage.GenerationRelativeDirectory(_tasks["old generation"]))));
        Assert.Equal([_tasks["recent"]], await db.Set<WebhookDelivery>().Select(d => d.TaskId).ToListAsync());
        var audit = await db.AuditLog.SingleAsync(e => e.Action == AuditActions.Retention);
        Assert.Equal("root", audit.Actor);
        Assert.Contains("3 finished task(s) and 1 webhook delivery(ies)", audit.Detail);
    }

    [Fact]
    public async Task SecondRun_FindsNothing_AndAuditsNothing()
    {
        await _retention.RunAsync(Actor.System);

        Assert.Equal(new RetentionCounts(Now.AddDays(-30), 0, 0), await _retention.PreviewAsync());
        Assert.Equal(new RetentionCounts(Now.AddDays(-30), 0, 0), await _retention.RunAsync(Actor.System));
        await using var db = await _host.DbAsync();
        Assert.Equal(1, await db.AuditLog.CountAsync(e => e.Action == AuditActions.Retention));
    }

    private async Task SeedAsync()
    {
        var owner = (await _host.Get<UserAdministration>().EnsureFirstAdminAsync(null, null)).Admins.Single();
        await using var scope = _host.Get<IServiceScopeFactory>().CreateAsyncScope();
        var ownerId = (await scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>().FindByEmailAsync(owner))!.Id;
        await using var db = await _host.DbAsync();
        var endpoint = new WebhookEndpoint(ownerId, "https://example.com/hook", "protected", [WebhookEvents.Completed], Now.AddDays(-100));
        db.Set<WebhookEndpoint>().Add(endpoint);

        // One video ingested twice long ago: the first run goes, the newest stays (it says how the video was ingested).
        var video = Video("twice.mp4");
        db.Videos.Add(video);
        Finished(db, "video's first, old", video, Now.AddDays(-60), t => t.Complete(Now.AddDays(-60)));
        var newest = Finished(db, "video's newest, old", video, Now.AddDays(-50), t => t.Complete(Now.AddDays(-50)));
        db.TaskSteps.Add(Step(newest, Now.AddDays(-50)));
        // Another video's old failure, retried after: the old one goes.
        var other = Video("other.mp4");
        db.Videos.Add(other);
        var oldFailure = Finished(db, "old failure", other, Now.AddDays(-40), t => t.Fail(ErrorCodes.ToolUnavailable, "ffprobe does not run", Now.AddDays(-40)));
        db.TaskSteps.Add(Step(oldFailure, Now.AddDays(-40)));
        var recent = Finished(db, "recent", other, Now.AddDays(-2), t => t.Complete(Now.AddDays(-2)));
        // An old generation with its folder.
        var generation = Finished(db, "old generation", null, Now.AddDays(-45), t => t.Complete(Now.AddDays(-45)));
        db.Generations.Add(new VideoGeneration(generation.Id, new GenerationSpec("A paper boat", "MiniMax-Hailuo-02", 6, "512P", true, null, null, null), null, Now.AddDays(-45)));
        var folder = _host.Storage.ToAbsolute(_host.Storage.GenerationRelativeDirectory(generation.Id));
        Directory.CreateDirectory(folder);
        await File.WriteAllBytesAsync(Path.Combine(folder, "first-frame.jpg"), [1, 2, 3]);
        // Not finished: never deleted, however old.
        var stuck = Video("pending.mp4");
        db.Videos.Add(stuck);
        Finished(db, "pending, old", stuck, Now.AddDays(-90), null);
        var running = ProcessingTask.Create(TaskKind.Generation, null, "requested", Now.AddDays(-1));
        running.Start("node-a", Now.AddDays(-1));
        db.Tasks.Add(running);
        _tasks["running"] = running.Id;

        db.Set<WebhookDelivery>().Add(new WebhookDelivery(endpoint.Id, Guid.NewGuid(), WebhookEvents.Completed, oldFailure.Id, "{}", Now.AddDays(-40), Now.AddDays(-39)));
        db.Set<WebhookDelivery>().Add(new WebhookDelivery(endpoint.Id, Guid.NewGuid(), WebhookEvents.Completed, recent.Id, "{}", Now.AddDays(-2), Now.AddDays(-1)));
        await db.SaveChangesAsync();
        await db.Set<WebhookDelivery>().ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, WebhookDeliveryStatus.Delivered));
    }

    private ProcessingTask Finished(VaasDbContext db, string name, Video? video, DateTimeOffset at, Action<ProcessingTask>? end)
    {
        var task = ProcessingTask.Create(video is null ? TaskKind.Generation : TaskKind.Ingestion, video, "queued", at.AddMinutes(-5));
        if (end is not null)
        {
            task.Start("node-a", at.AddMinutes(-4));
            end(task);
        }

        db.Tasks.Add(task);
        _tasks[name] = task.Id;
        return task;
    }

    private static TaskStep Step(ProcessingTask task, DateTimeOffset at)
    {
        var step = new TaskStep(task.Id, task.Attempt, 0, "probe", at.AddMinutes(-4));
        step.Finish(StepState.Completed, null, at.AddMinutes(-3));
        return step;
    }

    private static Video Video(string name) => new(Guid.NewGuid(), name, $"videos/{Guid.NewGuid():N}.mp4", 1000, null, VideoSource.Upload, Now.AddDays(-100));
}
