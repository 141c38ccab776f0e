using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Generation;
using VaasWeb.Processing.Tasks;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.Generation;

/// <summary>A generation from request to stored video, against the MiniMax emulator over real HTTP.</summary>
public class GenerationFlowTests
{
    /// <summary>The database these tests run on; <c>OnPostgres/</c> runs them again on PostgreSQL.</summary>
    protected virtual DatabaseProvider Database => DatabaseProvider.Sqlite;

    [Fact]
    public async Task Generate_PromptAccepted_PollsEveryIntervalThenStoresTheVideo()
    {
        // Long enough phases that polls at 5 s and 10 s see them; done by the third poll.
        await using var rig = await GenerationRig.StartAsync(
            emulatorSettings: new { preparing_seconds = 1, queueing_seconds = 7, processing_seconds = 4, render_width = 160 }, database: Database);

        var taskId = await rig.CreateAsync();
        var finished = await rig.WaitForFinishAsync(taskId);

        Assert.True(finished.State == TaskState.Completed, $"{finished.State}: {finished.ErrorCode} {finished.ErrorMessage}");
        Assert.Equal(100, finished.Progress);
        var generation = await rig.GenerationAsync(taskId);
        Assert.Equal(GenerationPhase.Done, generation.Phase);
        Assert.Equal("Success", generation.MiniMaxStatus);

        // The board saw MiniMax's own states, in order, with progress that never went back.
        var seen = rig.Host.Events.For(taskId);
        var details = seen.Select(s => s.StepDetail).Where(d => d is not null).Distinct().ToList();
        Assert.Contains(details, d => d!.Contains("Queueing", StringComparison.Ordinal));
        Assert.Contains(details, d => d!.Contains("Processing", StringComparison.Ordinal));
        Assert.True(details.FindIndex(d => d!.Contains("Queueing", StringComparison.Ordinal)) < details.FindIndex(d => d!.Contains("Processing", StringComparison.Ordinal)));
        var progress = seen.Where(s => s.State == TaskState.InProgress).Select(s => s.Progress).ToList();
        Assert.Equal(progress.Order(), progress);

        // One submit; one poll per interval; one retrieve.
        Assert.Single(await rig.RequestsAsync("video_generation"));
        var polls = await rig.RequestsAsync("query", generation.MiniMaxTaskId);
        Assert.Equal(3, polls.Count);
        foreach (var (earlier, later) in polls.Zip(polls.Skip(1)))
        {
            // Never closer than the interval less the half-second tick tolerance (plus the moment between starting a
            // poll and its request arriving); later only by the 1 s tick and a busy machine.
            Assert.InRange((later.At - earlier.At).TotalSeconds, 4.3, 7);
        }

        Assert.Single(await rig.RequestsAsync("retrieve"));

        // The stored video is the emulator's file, byte for byte, and a library video like any other.
        await using var db = await rig.Host.DbAsync();
        var video = await db.Videos.AsNoTracking().SingleAsync(v => v.Id == generation.ResultVideoId);
        var path = rig.Host.Storage.ToAbsolute(video.StoredPath);
        Assert.Equal(generation.FileBytes, new FileInfo(path).Length);
        Assert.Equal(video.Sha256, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(path))));
        Assert.Equal(160, video.Width);
        Assert.InRange(video.DurationSeconds ?? 0, 5.5, 6.5);
        Assert.Equal(video.Id, finished.VideoId);
    }
}
