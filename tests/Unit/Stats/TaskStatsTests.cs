using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Quartz;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Failures;
using VaasWeb.Processing.Media;
using VaasWeb.Processing.Stats;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Videos;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.Stats;

/// <summary>The Stats page's numbers over a known history, on a real database (SQLite here; <c>OnPostgres/</c> again on PostgreSQL).</summary>
public class TaskStatsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 15, 30, 0, TimeSpan.Zero);

    private readonly TempDirectory _temp = new();
    private ProcessingHost _host = null!;
    private TaskStats _stats = null!;

    protected virtual DatabaseProvider Database => DatabaseProvider.Sqlite;

    public async Task InitializeAsync()
    {
        _host = await ProcessingHost.StartAsync(_temp.Path, database: Database);
        // Nothing may run the seeded tasks: the queue sweep and every job are Quartz's, held here.
        var scheduler = await _host.Get<ISchedulerFactory>().GetScheduler();
        for (var waited = 0; scheduler.Status != SchedulerStatus.Running && waited < 100; waited++)
        {
            await Task.Delay(50);
        }

        await scheduler.Standby();
        _stats = new TaskStats(_host.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<VaasDbContext>>(), new FakeTimeProvider(Now));
        await SeedAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task LastDay_CountsEachHourByOutcome_CancelledApartFromFailed()
    {
        var report = await _stats.ReadAsync(TaskStats.Day);

        Assert.Equal(24, report.Hours.Count);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 16, 0, 0, TimeSpan.Zero), report.From);
        Assert.Equal(Now.AddMinutes(-30), report.Hours[^1].Start);
        Assert.Equal((3, 4, 1), (report.Completed, report.Failed, report.Cancelled));
        Assert.Equal(new HourCount(Now.AddMinutes(-150), 1, 0, 0), report.Hours[^3]);
        Assert.Equal(new HourCount(Now.AddMinutes(-90), 2, 2, 0), report.Hours[^2]);
        Assert.Equal(new HourCount(Now.AddMinutes(-30), 0, 2, 1), report.Hours[^1]);
    }

    [Fact]
    public async Task LastWeek_TakesInTheOlderCompletion()
    {
        var report = await _stats.ReadAsync(TaskStats.Week);

        Assert.Equal(168, report.Hours.Count);
        Assert.Equal((4, 4, 1), (report.Completed, report.Failed, report.Cancelled));
    }

    [Fact]
    public async Task FailureReasons_RankedByCount_WithTheNewestMessageAndTheAdvice()
    {
        var report = await _stats.ReadAsync(TaskStats.Day);

        Assert.Equal(
            [("tool_unavailable", 2, "ffprobe does not run (exit code 127), the second time"), ("disk_full", 1, "No space left on the device."), ("minimax_1026", 1, "MiniMax refused the prompt as sensitive.")],
            report.Failures.Select(f => (f.Code, f.Count, f.LatestMessage)));
        Assert.Equal(ErrorCodes.AdviceFor(ErrorCodes.ToolUnavailable), report.Failures[0].Advice);
    }

    [Fact]
    public async Task StepTimings_MedianAndP95_InTheOrderStepsRun()
    {
        var report = await _stats.ReadAsync(TaskStats.Day);

        // probe took 2, 4 and 6 s; frames 10 and 20 s (the failed attempt's steps and older runs are not in the window).
        Assert.Equal([new StepTiming("probe", 3, 4, 6), new StepTiming("frames", 2, 10, 20)], report.Steps);
    }

    [Fact]
    public async Task WorkPerMinuteOfVideo_TheCompletedIngestionsStepTimeOverTheirMinutes()
    {
        var report = await _stats.ReadAsync(TaskStats.Day);

        // (2 + 10) s for 1 min and (4 + 20) s for 2 min: 36 s over 3 min.
        Assert.Equal(2, report.IngestionsMeasured);
        Assert.Equal(12, report.WorkSecondsPerVideoMinute!.Value, 6);
    }

    [Fact]
    public async Task Generations_SuccessRateAndTimeToVideo()
    {
        var report = await _stats.ReadAsync(TaskStats.Day);

        Assert.Equal(new GenerationStats(1, 1, 0.5, 180, 180), report.Generations);
    }

    [Fact]
    public async Task Queue_WaitingAndRunningNow_PerKind()
    {
        var report = await _stats.ReadAsync(TaskStats.Day);

        Assert.Equal([new QueueDepth(TaskKind.Generation, 0, 1), new QueueDepth(TaskKind.Ingestion, 2, 0)], report.Queue);
    }

    [Theory]
    [InlineData(new double[] { 5 }, 0.5, 5)]
    [InlineData(new double[] { 1, 2, 3, 4 }, 0.5, 2)]
    [InlineData(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20 }, 0.95, 19)]
    [InlineData(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21 }, 0.95, 20)]
    public void Percentile_NearestRank(double[] sorted, double p, double expected) =>
        Assert.Equal(expected, TaskStats.Percentile(sorted, p));

    private async Task SeedAsync()
    {
        await using var db = await _host.DbAsync();
        static DateTimeOffset at(string time) => new(Now.Date.Add(TimeSpan.Parse(time, System.Globalization.CultureInfo.InvariantCulture)), TimeSpan.Zero);

        Ingestion(db, 60, at("13:00:00"), [("probe", at("13:01:00"), 2), ("frames", at("13:01:02"), 10)], t => t.Complete(at("13:01:12")));
        Ingestion(db, 120, at("14:00:00"), [("probe", at("14:09:36"), 4), ("frames", at("14:09:40"), 20)], t => t.Complete(at("14:10:00")));
        // Failed ones: their probe counts as a step that completed, their time not as work per minute.
        Ingestion(db, 30, at("14:15:00"), [("probe", at("14:19:54"), 6)], t => t.Fail(ErrorCodes.ToolUnavailable, "ffprobe does not run (exit code 127)", at("14:20:00")));
        Ingestion(db, 30, at("15:00:00"), [], t => t.Fail(ErrorCodes.ToolUnavailable, "ffprobe does not run (exit code 127), the second time", at("15:05:00")));
        Ingestion(db, 30, at("15:08:00"), [], t => t.Fail(ErrorCodes.DiskFull, "No space left on the device.", at("15:10:00")));
        Ingestion(db, 600, at("15:12:00"), [], t => t.Fail(ErrorCodes.Cancelled, "cancelled by root", at("15:15:00")));
        // Two days ago: in the week, not in the day (its step is outside the day too).
        Ingestion(db, 60, Now.AddDays(-2), [("probe", Now.AddDays(-2).AddSeconds(1), 100)], t => t.Complete(Now.AddDays(-2).AddSeconds(101)));
        Generation(db, at("14:00:00"), t => t.Complete(at("14:03:00")));
        Generation(db, at("14:25:00"), t => t.Fail(ErrorCodes.MiniMax("1026"), "MiniMax refused the prompt as sensitive.", at("14:30:00")));

        // Now: two ingestions waiting, one generation running.
        Ingestion(db, 10, at("15:20:00"), [], null);
        Ingestion(db, 10, at("15:21:00"), [], null);
        Generation(db, at("15:22:00"), null);
        await db.SaveChangesAsync();
    }

    private static void Ingestion(VaasDbContext db, double seconds, DateTimeOffset created, (string Name, DateTimeOffset Start, double Seconds)[] steps, Action<ProcessingTask>? end)
    {
        var video = new Video(Guid.NewGuid(), "clip.mp4", $"videos/{Guid.NewGuid():N}.mp4", 1000, null, VideoSource.Upload, created);
        video.ApplyProbe(new MediaInfo(TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(seconds), "mov,mp4", "h264", 640, 360, 25, null, TimeSpan.Zero));
        db.Videos.Add(video);
        var task = ProcessingTask.Create(TaskKind.Ingestion, video, "uploaded", created);
        db.Tasks.Add(task);
        Run(db, task, created, steps, end);
    }

    private static void Generation(VaasDbContext db, DateTimeOffset created, Action<ProcessingTask>? end)
    {
        var task = ProcessingTask.Create(TaskKind.Generation, null, "requested", created, "A paper boat");
        db.Tasks.Add(task);
        if (end is null)
        {
            task.Start("node-a", created.AddSeconds(1));
            return;
        }

        Run(db, task, created, [], end);
    }

    private static void Run(VaasDbContext db, ProcessingTask task, DateTimeOffset created, (string Name, DateTimeOffset Start, double Seconds)[] steps, Action<ProcessingTask>? end)
    {
        if (end is null)
        {
            return;
        }

        task.Start("node-a", steps.Length > 0 ? steps[0].Start : created.AddSeconds(1));
        for (var i = 0; i < steps.Length; i++)
        {
            var step = new TaskStep(task.Id, task.Attempt, i, steps[i].Name, steps[i].Start);
            step.Finish(StepState.Completed, null, steps[i].Start.AddSeconds(steps[i].Seconds));
            db.TaskSteps.Add(step);
        }

        end(task);
    }
}
