using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Generation;
using VaasWeb.Processing.Tasks;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.Generation;

/// <summary>Fetching and storing what MiniMax made: broken and expired downloads, narration, ingestion of the result.</summary>
public sealed class GenerationResultTests
{
    private const string Voice = "English_expressive_narrator";

    [Fact]
    public async Task Download_CutOffOnce_FetchesAFreshLinkAndStoresTheWholeFile()
    {
        await using var rig = await GenerationRig.StartAsync();
        await rig.AddFaultAsync("download", "malformed");

        var taskId = await rig.CreateAsync();
        var finished = await rig.WaitForFinishAsync(taskId);

        Assert.True(finished.State == TaskState.Completed, $"{finished.State}: {finished.ErrorCode} {finished.ErrorMessage}");
        Assert.Equal(2, (await rig.RequestsAsync("retrieve")).Count);
        var downloads = await rig.RequestsAsync("download");
        Assert.Equal(2, downloads.Count);
        var generation = await rig.GenerationAsync(taskId);
        await using var db = await rig.Host.DbAsync();
        var video = await db.Videos.AsNoTracking().SingleAsync(v => v.Id == generation.ResultVideoId);
        Assert.Equal(generation.FileBytes, video.SizeBytes);
        Assert.InRange(video.DurationSeconds ?? 0, 5.5, 6.5);
    }

    [Fact]
    public async Task Download_LinkExpired_TriesAgainLaterAndStoresOnceALinkWorks()
    {
        await using var rig = await GenerationRig.StartAsync();
        await rig.SetAsync(new { download_url_ttl_seconds = -60 });

        var taskId = await rig.CreateAsync();
        var waiting = await rig.Host.Events.WaitForAsync(taskId, s => s.StepDetail?.Contains("trying again in 5 s", StringComparison.Ordinal) == true);
        await rig.SetAsync(new { download_url_ttl_seconds = 3600 });
        var finished = await rig.WaitForFinishAsync(taskId);

        Assert.Contains("expired", waiting.StepDetail, StringComparison.OrdinalIgnoreCase);
        Assert.True(finished.State == TaskState.Completed, $"{finished.State}: {finished.ErrorCode} {finished.ErrorMessage}");
        var downloads = await rig.RequestsAsync("download");
        Assert.Equal(403, downloads[0].Status);
        Assert.Equal(200, downloads[^1].Status);
        Assert.Single(await rig.RequestsAsync("video_generation"));
    }

    [Fact]
    public async Task Narration_Requested_StoresANarratedCutWithSound()
    {
        await using var rig = await GenerationRig.StartAsync();

        var taskId = await rig.CreateAsync(narration: "A lighthouse keeps its watch over the cold sea.", voiceId: Voice);
        var finished = await rig.WaitForFinishAsync(taskId);

        Assert.True(finished.State == TaskState.Completed, $"{finished.State}: {finished.ErrorCode} {finished.ErrorMessage}");
        var generation = await rig.GenerationAsync(taskId);
        await using var db = await rig.Host.DbAsync();
        var plain = await db.Videos.AsNoTracking().SingleAsync(v => v.Id == generation.ResultVideoId);
        var narrated = await db.Videos.AsNoTracking().SingleAsync(v => v.Id == generation.NarratedVideoId);
        Assert.False(plain.HasAudio);
        Assert.True(narrated.HasAudio);
        Assert.EndsWith("(narrated).mp4", narrated.OriginalFileName, StringComparison.Ordinal);
        // As long as the picture: speech shorter than the video is padded with silence, longer is cut.
        Assert.InRange(narrated.DurationSeconds ?? 0, plain.DurationSeconds!.Value - 0.3, plain.DurationSeconds.Value + 0.3);
        Assert.Single(await rig.RequestsAsync("t2a_v2"));
    }

    [Fact]
    public async Task Narration_AnswerLost_FailsKeepingTheGeneratedVideo()
    {
        await using var rig = await GenerationRig.StartAsync();
        await rig.AddFaultAsync("t2a_v2", "drop");

        var taskId = await rig.CreateAsync(narration: "Waves.", voiceId: Voice);
        var finished = await rig.WaitForFinishAsync(taskId);

        Assert.Equal(TaskState.Failed, finished.State);
        Assert.Equal("narration_outcome_unknown", finished.ErrorCode);
        Assert.Contains("video is stored", finished.ErrorMessage, StringComparison.Ordinal);
        Assert.NotNull((await rig.GenerationAsync(taskId)).ResultVideoId);
        Assert.Single(await rig.RequestsAsync("t2a_v2"));
    }

    [Fact]
    public async Task Create_UnknownVoice_RefusedAndNothingStored()
    {
        await using var rig = await GenerationRig.StartAsync();

        var refused = await Assert.ThrowsAsync<GenerationInputException>(() => rig.CreateAsync(narration: "Hello.", voiceId: "No_Such_Voice"));

        Assert.Contains("No_Such_Voice", refused.Message, StringComparison.Ordinal);
        await using var db = await rig.Host.DbAsync();
        Assert.Equal(0, await db.Tasks.CountAsync());
        Assert.Equal(0, await db.Generations.CountAsync());
        var generations = rig.Host.Storage.ToAbsolute("generations");
        Assert.False(Directory.Exists(generations) && Directory.EnumerateFiles(generations, "*", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public async Task Generate_IngestResultsOn_QueuesTheStoredVideoForIngestion()
    {
        await using var rig = await GenerationRig.StartAsync(new Dictionary<string, string?> { ["MiniMax:IngestResults"] = "true", ["Ingestion:AutoStart"] = "true" });

        var taskId = await rig.CreateAsync();
        await rig.WaitForFinishAsync(taskId);

        var generation = await rig.GenerationAsync(taskId);
        await using var db = await rig.Host.DbAsync();
        var ingestion = await db.Tasks.AsNoTracking().SingleAsync(t => t.VideoId == generation.ResultVideoId && t.Kind == TaskKind.Ingestion);
        var ingested = await rig.WaitForFinishAsync(ingestion.Id, TimeSpan.FromSeconds(120));
        Assert.True(ingested.State == TaskState.Completed, $"{ingested.State}: {ingested.ErrorCode} {ingested.ErrorMessage}");
        Assert.True(await db.Frames.CountAsync(f => f.VideoId == generation.ResultVideoId) >= 5);
    }
}
