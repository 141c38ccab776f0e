using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Tasks;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.Tasks;

/// <summary>The progress writer on a fake clock: what reaches the database and viewers, and when.</summary>
public sealed class TaskProgressTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
    private readonly RecordingTaskEvents _events = new();
    private ProcessingHost _host = null!;
    private TaskLifecycle _lifecycle = null!;
    private Guid _taskId;

    public async Task InitializeAsync()
    {
        _host = await ProcessingHost.StartAsync(_temp.Path);
        _lifecycle = new TaskLifecycle(_host.Get<IDbContextFactory<VaasDbContext>>(), _events, _clock, _host.Get<VaasWeb.Processing.Telemetry.VaasMetrics>(), NullLogger<TaskLifecycle>.Instance);
        await using var db = await _host.DbAsync();
        var task = ProcessingTask.Create(TaskKind.Ingestion, null, "queued", _clock.GetUtcNow());
        task.Start("node", _clock.GetUtcNow());
        db.Tasks.Add(task);
        await db.SaveChangesAsync();
        _taskId = task.Id;
    }

    [Fact]
    public async Task Report_ManyTimesWithinOneInterval_WritesOnceWithTheLatestValue()
    {
        using var stop = new CancellationTokenSource();
        await using var progress = _lifecycle.TrackProgress(_taskId, stop);
        for (var i = 1; i <= 500; i++)
        {
            progress.Report("frames", i / 10.0);
        }

        _clock.Advance(TaskProgress.FlushInterval);
        var written = await _events.WaitForAsync(_taskId, s => s.Step == "frames");

        Assert.Equal(50, written.Progress);
        Assert.Single(_events.For(_taskId));
        var row = await _lifecycle.GetSnapshotAsync(_taskId, CancellationToken.None);
        Assert.Equal(("frames", 50.0), (row!.Step, row.Progress));
    }

    [Fact]
    public async Task Report_AcrossFourIntervalsInASecond_WritesAtMostFourTimes()
    {
        using var stop = new CancellationTokenSource();
        await using var progress = _lifecycle.TrackProgress(_taskId, stop);
        for (var tick = 1; tick <= 4; tick++)
        {
            for (var i = 0; i < 50; i++)
            {
                progress.Report("audio", tick * 20 + i * 0.1);
            }

            _clock.Advance(TaskProgress.FlushInterval);
            await _events.WaitForAsync(_taskId, s => s.Progress >= tick * 20);
        }

        Assert.Equal(4, _events.For(_taskId).Count);
    }

    [Fact]
    public async Task CancelRequestInTheRow_StopsTheWorkOnTheNextCheckEvenWithoutProgress()
    {
        using var stop = new CancellationTokenSource();
        await using var progress = _lifecycle.TrackProgress(_taskId, stop);
        await _lifecycle.ChangeAsync(_taskId, (task, now) => task.RequestCancel("carol", now), CancellationToken.None);

        _clock.Advance(TimeSpan.FromSeconds(1));

        await Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(stop.IsCancellationRequested);
    }

    [Fact]
    public async Task FlushAsync_ReportedValue_IsWrittenWithoutWaitingForTheTimer()
    {
        using var stop = new CancellationTokenSource();
        await using var progress = _lifecycle.TrackProgress(_taskId, stop);
        progress.Report("probe", 3);

        await progress.FlushAsync(CancellationToken.None);

        Assert.Equal(3, Assert.Single(_events.For(_taskId)).Progress);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _temp.Dispose();
    }
}
