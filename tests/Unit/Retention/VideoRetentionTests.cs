using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Quartz;
using VaasWeb.Processing.Accounts;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Retention;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Videos;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.Retention;

/// <summary><c>Retention:VideoDays</c>: videos nobody opened go, with what was made from them; busy ones and opened ones stay.</summary>
public class VideoRetentionTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 3, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _clock = new(Now);
    private ProcessingHost _host = null!;
    private readonly Dictionary<string, Guid> _videos = [];
    private readonly Dictionary<string, Guid> _tasks = [];

    protected virtual DatabaseProvider Database => DatabaseProvider.Sqlite;

    public async Task InitializeAsync()
    {
        _host = await ProcessingHost.StartAsync(_temp.Path, new Dictionary<string, string?> { ["Retention:TaskDays"] = "30", ["Retention:VideoDays"] = "60" },
            services => services.AddSingleton<TimeProvider>(_clock), Database);
        var scheduler = await _host.Get<ISchedulerFactory>().GetScheduler();
        for (var waited = 0; scheduler.Status != SchedulerStatus.Running && waited < 100; waited++)
        {
            await Task.Delay(50);
        }

        await scheduler.Standby();
        await SeedAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task Run_DeletesTheUnopenedIdleVideosWithTheirFilesAndTasks_ExactlyAsTheDryRunCounted()
    {
        var retention = _host.Get<RetentionService>();
        var preview = await retention.PreviewAsync();

        var result = await retention.RunAsync(Actor.System);

        Assert.Equal(new RetentionCounts(Now.AddDays(-30), 1, 0, Now.AddDays(-60), 2), preview);
        Assert.Equal(preview, result);
        await using var db = await _host.DbAsync();
        Assert.Equal(new[] { "opened lately", "busy", "new" }.Select(n => _videos[n]).Order(), (await db.Videos.Select(v => v.Id).ToListAsync()).Order());
        Assert.False(File.Exists(_host.Storage.ToAbsolute(_host.Storage.VideoRelativePath(_videos["never opened"], ".mp4"))));
        Assert.True(File.Exists(_host.Storage.ToAbsolute(_host.Storage.VideoRelativePath(_videos["opened lately"], ".mp4"))));
        // The deleted videos' tasks went with them; of the rest, only the old task that is not its video's newest.
        var left = await db.Tasks.Select(t => t.Id).ToListAsync();
        Assert.Equal(new[] { "opened lately, newest", "busy, pending" }.Select(n => _tasks[n]).Order(), left.Order());
        Assert.Equal(2, await db.AuditLog.CountAsync(e => e.Action == AuditActions.VideoDelete && e.Actor == "system"));
        Assert.Contains("2 video(s) not opened since", (await db.AuditLog.SingleAsync(e => e.Action == AuditActions.Retention)).Detail);
    }

    [Fact]
    public async Task Openings_WriteTheTime_AtMostOncePerHourPerNode()
    {
        var openings = _host.Get<VideoOpenings>();
        var id = _videos["new"];

        await openings.NoteAsync(id);
        _clock.Advance(TimeSpan.FromMinutes(30));
        await openings.NoteAsync(id);
        var afterHalfAnHour = await LastOpenedAsync(id);
        _clock.Advance(TimeSpan.FromMinutes(31));
        await openings.NoteAsync(id);

        Assert.Equal(Now, afterHalfAnHour);
        Assert.Equal(Now.AddMinutes(61), await LastOpenedAsync(id));
    }

    private async Task<DateTimeOffset?> LastOpenedAsync(Guid id)
    {
        await using var db = await _host.DbAsync();
        return await db.Videos.Where(v => v.Id == id).Select(v => v.LastOpenedAt).SingleAsync();
    }

    private async Task SeedAsync()
    {
        await using var db = await _host.DbAsync();
        var neverOpened = Video(db, "never opened", Now.AddDays(-100));
        Finished(db, "never opened, first", neverOpened, Now.AddDays(-99));
        Finished(db, "never opened, newest", neverOpened, Now.AddDays(-98));
        Video(db, "opened long ago", Now.AddDays(-100));
        var openedLately = Video(db, "opened lately", Now.AddDays(-100));
        Finished(db, "opened lately, first", openedLately, Now.AddDays(-90));
        Finished(db, "opened lately, newest", openedLately, Now.AddDays(-80));
        var busy = Video(db, "busy", Now.AddDays(-100));
        var pending = ProcessingTask.Create(TaskKind.Ingestion, busy, "queued", Now.AddDays(-1));
        db.Tasks.Add(pending);
        _tasks["busy, pending"] = pending.Id;
        Video(db, "new", Now.AddDays(-10));
        await db.SaveChangesAsync();
        await db.Videos.Where(v => v.Id == _videos["opened long ago"]).ExecuteUpdateAsync(s => s.SetProperty(v => v.LastOpenedAt, Now.AddDays(-70)));
        await db.Videos.Where(v => v.Id == openedLately.Id).ExecuteUpdateAsync(s => s.SetProperty(v => v.LastOpenedAt, Now.AddDays(-10)));
    }

    private Video Video(VaasDbContext db, string name, DateTimeOffset added)
    {
        var id = Guid.NewGuid();
        var path = _host.Storage.VideoRelativePath(id, ".mp4");
        File.WriteAllBytes(_host.Storage.ToAbsolute(path), [0, 0, 0, 24]);
        var video = new Video(id, name + ".mp4", path, 4, null, VideoSource.Upload, added);
        db.Videos.Add(video);
        _videos[name] = id;
        return video;
    }

    private void Finished(VaasDbContext db, string name, Video video, DateTimeOffset at)
    {
        var task = ProcessingTask.Create(TaskKind.Ingestion, video, "queued", at);
        task.Start("node-a", at);
        task.Complete(at.AddMinutes(1));
        db.Tasks.Add(task);
        _tasks[name] = task.Id;
    }
}
