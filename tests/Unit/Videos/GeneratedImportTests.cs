using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Videos;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.Videos;

/// <summary>A generated video recorded in the task that fetched it, against real ffprobe and SQLite.</summary>
public sealed class GeneratedImportTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private ProcessingHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await ProcessingHost.StartAsync(_temp.Combine("data"), new Dictionary<string, string?> { ["Ingestion:AutoStart"] = "false" });

    [Fact]
    public async Task TaskWrittenByItsOwnProgressMeanwhile_TheResultIsRecordedOnAFreshRead_AndTheFileKept()
    {
        var task = ProcessingTask.Create(TaskKind.Generation, video: null, "generating", _host.Get<TaskLifecycle>().Now, title: "a harbour at dawn");
        task.Start("test-node", _host.Get<TaskLifecycle>().Now);
        await using (var setup = await _host.DbAsync())
        {
            setup.Tasks.Add(task);
            await setup.SaveChangesAsync();
        }

        var incoming = _host.Storage.NewIncomingPath();
        File.Copy(await TestMedia.VideoAsync(new VideoSpec(Seconds: 2)), incoming);
        var bytes = new FileInfo(incoming).Length;
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(incoming)));
        var calls = 0;

        var imported = await _host.Get<VideoImporter>().ImportGeneratedAsync(incoming, "a harbour at dawn.mp4", bytes, sha256, ingest: false,
            async (db, video) =>
            {
                var running = await db.Tasks.FirstAsync(t => t.Id == task.Id);
                if (++calls == 1)
                {
                    // The task's progress loop writes the row after it was read here, as a late download report did.
                    await _host.Get<TaskLifecycle>().ChangeAsync(task.Id, (t, now) => t.ReportProgress("download", 90, now), CancellationToken.None);
                }

                running.AttachVideo(video, _host.Get<TaskLifecycle>().Now);
                running.ReportStep("download", 95, $"stored {bytes:N0} bytes", _host.Get<TaskLifecycle>().Now);
                return running;
            }, CancellationToken.None);

        Assert.Equal(2, calls);
        await using var db = await _host.DbAsync();
        var stored = await db.Tasks.AsNoTracking().SingleAsync(t => t.Id == task.Id);
        Assert.Equal((imported.Video.Id, 95.0, TaskState.InProgress), (stored.VideoId!.Value, stored.Progress, stored.State));
        Assert.Equal(imported.Video.Id, (await db.Videos.AsNoTracking().SingleAsync()).Id);
        Assert.Equal(bytes, new FileInfo(_host.Storage.ToAbsolute(imported.Video.StoredPath)).Length);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _temp.Dispose();
    }
}
