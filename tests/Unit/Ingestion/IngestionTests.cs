using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Ingestion;
using VaasWeb.Processing.Media;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Videos;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.Ingestion;

/// <summary>Real ingestions: generated videos, the real ffmpeg, a real SQLite file, the real Quartz scheduler.</summary>
public sealed class IngestionTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private ProcessingHost _host = null!;

    public async Task InitializeAsync() => _host = await ProcessingHost.StartAsync(_temp.Path);

    [Fact]
    public async Task Upload_TwentyFiveSecondVideo_CompletesWithTimedFramesAndChunks()
    {
        var upload = await UploadAsync(new VideoSpec(Seconds: 25), "holiday.mp4");

        var done = await _host.Events.WaitForFinishAsync(upload.Task!.Id);

        Assert.Equal(TaskState.Completed, done.State);
        Assert.Equal(100, done.Progress);
        await using var db = await _host.DbAsync();
        var video = await db.Videos.SingleAsync();
        Assert.Equal("holiday.mp4", video.OriginalFileName);
        Assert.StartsWith("videos/", video.StoredPath);
        Assert.DoesNotContain("holiday", video.StoredPath);
        Assert.Equal(25, video.DurationSeconds!.Value, precision: 1);
        Assert.Equal((320, 240, "h264", "aac", true), (video.Width, video.Height, video.VideoCodec, video.AudioCodec, video.HasAudio));
        Assert.Equal(Sha256Of(_host.Storage.ToAbsolute(video.StoredPath)), video.Sha256);

        var frames = await db.Frames.OrderBy(f => f.Index).ToListAsync();
        Assert.Equal(Enumerable.Range(0, 25).Select(i => (double)i), frames.Select(f => Math.Round(f.TimestampSeconds, 3)));
        Assert.All(frames, f => Assert.True(new FileInfo(_host.Storage.ToAbsolute(f.Path)).Length > 0));
        Assert.True(File.Exists(_host.Storage.ToAbsolute(video.ThumbnailPath!)));

        var chunks = await db.AudioChunks.OrderBy(c => c.Index).ToListAsync();
        Assert.Equal([0.0, 9.0, 18.0], chunks.Select(c => c.StartSeconds));
        Assert.Equal([10.0, 19.0], chunks.Take(2).Select(c => c.EndSeconds));
        Assert.Equal(25, chunks[2].EndSeconds, precision: 1);
        foreach (var chunk in chunks)
        {
            var wav = VaasWeb.Processing.Ingestion.WavFile.Open(_host.Storage.ToAbsolute(chunk.Path));
            Assert.Equal(16000, wav.SampleRate);
            Assert.Equal(chunk.EndSeconds - chunk.StartSeconds, wav.Duration.TotalSeconds, precision: 3);
        }

        var steps = await db.TaskSteps.Where(s => s.TaskId == done.TaskId).OrderBy(s => s.Ordinal).ToListAsync();
        Assert.Equal(AllSteps, steps.Select(s => s.Name));
        // Without chat or embeddings endpoints those two extras are skipped; everything else ran.
        Assert.All(steps, s => Assert.Equal(s.Name is "captions" or "embeddings" ? StepState.Skipped : StepState.Completed, s.State));
        Assert.Equal([TaskState.Pending, TaskState.InProgress, TaskState.Completed],
            await db.TaskHistory.Where(h => h.TaskId == done.TaskId).OrderBy(h => h.Id).Select(h => h.To).ToListAsync());
    }

    [Fact]
    public async Task Ingestion_ReportsGrowingProgressThroughEveryStep_EndingAt100()
    {
        var upload = await UploadAsync(new VideoSpec(Seconds: 10), "a.mp4");

        await _host.Events.WaitForFinishAsync(upload.Task!.Id);

        var seen = _host.Events.For(upload.Task.Id).Where(s => s.State is TaskState.InProgress or TaskState.Completed).ToArray();
        // Every step is named while it runs, alone or beside the step of the other lane ("frames + audio").
        var named = seen.Select(s => s.Step).OfType<string>().SelectMany(s => s.Split(IngestionProgress.Separator)).Distinct();
        Assert.Equal(AllSteps.Order(), named.Order());
        Assert.Contains(seen, s => s.Step is { } step && step.Contains(IngestionProgress.Separator));
        // One bar for the whole task, though two lanes report into it.
        Assert.Equal(seen.Select(s => s.Progress).Order(), seen.Select(s => s.Progress));
        Assert.Equal(seen.Select(s => s.Version).Order(), seen.Select(s => s.Version));
        Assert.Contains(seen, s => s.Progress is > 0 and < 100);
        Assert.Equal((TaskState.Completed, 100.0), (seen[^1].State, seen[^1].Progress));
    }

    [Fact]
    public async Task Upload_VideoWithoutAudio_CompletesWithAudioSkippedAndSaysWhy()
    {
        var upload = await UploadAsync(new VideoSpec(Seconds: 4, Audio: false), "silent.mp4");

        var done = await _host.Events.WaitForFinishAsync(upload.Task!.Id);

        Assert.Equal(TaskState.Completed, done.State);
        await using var db = await _host.DbAsync();
        var audio = await db.TaskSteps.SingleAsync(s => s.TaskId == done.TaskId && s.Name == "audio");
        Assert.Equal(StepState.Skipped, audio.State);
        Assert.Equal("the video has no audio track", audio.Detail);
        Assert.Equal(4, await db.Frames.CountAsync());
        Assert.Empty(await db.AudioChunks.ToListAsync());
    }

    [Fact]
    public async Task Upload_LargeVideo_FramesAreFittedWithin1024x768()
    {
        var upload = await UploadAsync(new VideoSpec(Seconds: 2, Width: 1920, Height: 1080, Audio: false), "big.mp4");

        await _host.Events.WaitForFinishAsync(upload.Task!.Id);

        await using var db = await _host.DbAsync();
        var frame = await db.Frames.FirstAsync();
        Assert.Equal((1024, 576), (frame.Width, frame.Height));
        Assert.Equal("1024x576", await TestMedia.PictureSizeAsync(_host.Storage.ToAbsolute(frame.Path)));
    }

    [Fact]
    public async Task Upload_TextFileNamedMp4_IsRefusedAndNothingIsKept()
    {
        var temp = _host.Storage.NewIncomingPath();
        TestMedia.TextFile(temp);

        var e = await Assert.ThrowsAsync<MediaException>(() => ImportAsync(temp, "list.mp4"));

        Assert.Equal(MediaException.NotAVideo, e.Code);
        Assert.DoesNotContain(_host.Storage.Root, e.Message);
        await AssertNothingKeptAsync();
    }

    [Fact]
    public async Task Upload_PlaylistPointingAtAFileElsewhere_IsRefusedAndNothingIsRead()
    {
        // An HLS playlist is a text file that would make ffmpeg open whatever path it lists.
        var outside = await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 2), _temp.Combine("outside.mp4"));
        var temp = _host.Storage.NewIncomingPath();
        await File.WriteAllTextAsync(temp, $"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\n{outside}\n#EXT-X-ENDLIST\n");

        var e = await Assert.ThrowsAsync<MediaException>(() => ImportAsync(temp, "notes.txt"));

        Assert.Equal(MediaException.NotAVideo, e.Code);
        Assert.Contains("playlist", e.Message);
        await AssertNothingKeptAsync();
    }

    [Fact]
    public async Task Upload_FileCutBeforeItsIndex_IsRefusedAndNothingIsKept()
    {
        var temp = _host.Storage.NewIncomingPath();
        TestMedia.Truncate(await TestMedia.VideoAsync(new VideoSpec(Seconds: 10)), temp, 0.5);

        var e = await Assert.ThrowsAsync<MediaException>(() => ImportAsync(temp, "cut.mp4"));

        Assert.Equal(MediaException.NotAVideo, e.Code);
        await AssertNothingKeptAsync();
    }

    [Fact]
    public async Task Ingest_FileCutAfterItsIndex_FailsSayingItIsIncompleteAndLeavesNoFrames()
    {
        // With the index at the front the cut file still probes as 10 s; only decoding finds the data missing.
        var path = Path.Combine(_host.Storage.Root, "inbox", "cut.mp4");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        TestMedia.Truncate(await TestMedia.VideoAsync(new VideoSpec(Seconds: 10, FastStart: true)), path, 0.5);

        var queued = await _host.Get<VideoImporter>().QueueIngestionAsync(_host.Storage.ResolveExistingFile("inbox/cut.mp4"), null, CancellationToken.None);
        var done = await _host.Events.WaitForFinishAsync(queued.Task!.Id);

        Assert.Equal(TaskState.Failed, done.State);
        Assert.Equal(MediaException.Truncated, done.ErrorCode);
        Assert.Contains("incomplete or damaged", done.ErrorMessage);
        Assert.Equal("frames", done.Step);
        await using var db = await _host.DbAsync();
        Assert.Empty(await db.Frames.ToListAsync());
        Assert.False(Directory.Exists(Path.Combine(_host.Storage.Root, "derived", queued.Video.Id.ToString("N"), "frames")));
        var frames = await db.TaskSteps.SingleAsync(s => s.TaskId == done.TaskId && s.Name == "frames");
        Assert.Equal(StepState.Failed, frames.State);
    }

    [Fact]
    public async Task ProcessVideo_SameVideoTwiceWhileQueued_ReturnsTheSameTask()
    {
        var path = Path.Combine(_host.Storage.Root, "inbox", "twice.mp4");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 3), path);
        var importer = _host.Get<VideoImporter>();

        var first = await importer.QueueIngestionAsync(path, null, CancellationToken.None);
        var second = await importer.QueueIngestionAsync(path, null, CancellationToken.None);

        Assert.False(first.TaskAlreadyQueued);
        Assert.True(second.TaskAlreadyQueued);
        Assert.Equal(first.Task!.Id, second.Task!.Id);
        Assert.Equal(TaskState.Completed, (await _host.Events.WaitForFinishAsync(first.Task.Id)).State);
    }

    internal static readonly string[] AllSteps = ["probe", "frames", "frame_text", "captions", "audio", "transcript", "chapters", "index", "embeddings"];

    private async Task<ImportedVideo> UploadAsync(VideoSpec spec, string name)
    {
        var temp = _host.Storage.NewIncomingPath();
        await TestMedia.CopyVideoAsync(spec, temp);
        return await ImportAsync(temp, name);
    }

    private Task<ImportedVideo> ImportAsync(string temp, string name) =>
        _host.Get<VideoImporter>().ImportUploadAsync(temp, name, new FileInfo(temp).Length, Sha256Of(temp), autoStart: true, null, CancellationToken.None);

    private async Task AssertNothingKeptAsync()
    {
        Assert.Empty(Directory.EnumerateFileSystemEntries(_host.Storage.IncomingDirectory));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_host.Storage.Root, "videos")));
        await using var db = await _host.DbAsync();
        Assert.Equal(0, await db.Videos.CountAsync());
        Assert.Equal(0, await db.Tasks.CountAsync());
    }

    private static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _temp.Dispose();
    }
}
