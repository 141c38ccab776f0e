using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VaasWeb.Processing.Failures;
using VaasWeb.Processing.Ingestion;
using VaasWeb.Processing.Intelligence;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Videos;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.Ingestion;

/// <summary>
/// The picture lane (frames → frame_text → captions) and the sound lane (audio → transcript) run side by side, against
/// the real ffmpeg, tesseract and pocketsphinx, a real SQLite file and real Quartz: what the step rows record, the
/// progress viewers see, and how a failure, a budget or a cancel on one side ends the other.
/// </summary>
public sealed class SideBySideTests : IDisposable
{
    /// <summary>Only the frame extraction writes into the frames folder, only the audio extraction writes full.wav.</summary>
    private const string FrameExtraction = "/frames/%06d.jpg";

    private const string AudioExtraction = "/audio/full.wav";

    private readonly TempDirectory _temp = new();
    private readonly ToolFolder _tools;

    public SideBySideTests()
    {
        _tools = new ToolFolder(_temp.Combine("tools"));
    }

    [Fact]
    public async Task Ingestion_PictureAndSoundLanes_RunAtTheSameTimeAndTheIndexWaitsForBoth()
    {
        await using var host = await StartAsync();
        var upload = await UploadAsync(host, new VideoSpec(Seconds: 25));

        var done = await host.Events.WaitForFinishAsync(upload.Task!.Id);

        Assert.Equal(TaskState.Completed, done.State);
        await using var db = await host.DbAsync();
        var steps = (await db.TaskSteps.Where(s => s.TaskId == done.TaskId).ToListAsync()).ToDictionary(s => s.Name);
        Assert.Equal(IngestionTests.AllSteps, steps.Values.OrderBy(s => s.Ordinal).Select(s => s.Name));
        // The sound lane started while frames was still running (in one lane after another, audio waits for captions).
        Assert.True(Overlap(steps["frames"], steps["audio"]), $"frames {Interval(steps["frames"])} and audio {Interval(steps["audio"])} did not overlap");
        Assert.True(steps["audio"].StartedAt < steps["captions"].FinishedAt, "audio waited for the picture lane to end");
        // Each lane keeps its own order, and what comes after waits for both.
        Assert.True(steps["frame_text"].StartedAt >= steps["frames"].FinishedAt);
        Assert.True(steps["transcript"].StartedAt >= steps["audio"].FinishedAt);
        Assert.True(steps["index"].StartedAt >= steps["captions"].FinishedAt && steps["index"].StartedAt >= steps["transcript"].FinishedAt);
        Assert.True(steps["probe"].FinishedAt <= steps["frames"].StartedAt && steps["probe"].FinishedAt <= steps["audio"].StartedAt);
        Assert.True(await db.Frames.AnyAsync() && await db.AudioChunks.AnyAsync());
        Assert.Equal("probe → [frames → frame_text → captions] ‖ [audio → transcript] → chapters → index → embeddings", host.Get<IngestionPipeline>().Plan.ToString());
    }

    [Fact]
    public async Task SoundLaneFails_StopsThePictureLaneAndItsFfmpeg_TaskFailsWithTheSoundLanesError()
    {
        // Frames never finish by themselves: only a stop ends them.
        _tools.HangFfmpegOn(FrameExtraction);
        var transcriber = new BrokenTranscriber();
        await using var host = await StartAsync(configure: services => services.AddSingleton<ITranscriber>(transcriber));
        var upload = await UploadAsync(host, new VideoSpec(Seconds: 10));
        var derived = upload.Video.Id.ToString("N");
        transcriber.WaitFor = () => FfmpegProcesses.Matching(derived).Count > 0;

        var done = await host.Events.WaitForFinishAsync(upload.Task!.Id);

        Assert.Equal((TaskState.Failed, ErrorCodes.ProviderFailed), (done.State, done.ErrorCode));
        Assert.Equal("broken: the model file is damaged", done.ErrorMessage);
        Assert.Equal("transcript", done.Step);
        Assert.True(transcriber.SawFramesRunning);
        Assert.Empty(FfmpegProcesses.Matching(derived));
        await using var db = await host.DbAsync();
        var steps = (await db.TaskSteps.Where(s => s.TaskId == done.TaskId).ToListAsync()).ToDictionary(s => s.Name);
        Assert.Equal((StepState.Failed, done.ErrorMessage), (steps["transcript"].State, steps["transcript"].Detail));
        Assert.Equal(StepState.Stopped, steps["frames"].State);
        Assert.Equal("stopped because the sound side failed (step transcript); this step had not failed", steps["frames"].Detail);
        Assert.Equal(StepState.Completed, steps["audio"].State);
        // Nothing after the stop started, and the stopped step left nothing behind.
        Assert.DoesNotContain("frame_text", steps.Keys);
        Assert.DoesNotContain("index", steps.Keys);
        Assert.Equal(0, await db.Frames.CountAsync());
        Assert.False(Directory.Exists(Path.Combine(host.Storage.Root, "derived", derived, "frames")));
        Assert.Empty(await db.TextSegments.ToListAsync());
        var history = await db.TaskHistory.Where(h => h.TaskId == done.TaskId).OrderBy(h => h.Id).ToListAsync();
        Assert.Equal(("transcript", done.ErrorMessage), (history[^1].Step, history[^1].Reason));
    }

    [Fact]
    public async Task SoundLaneStepOverItsBudget_IsKilled_TaskFailsNamingThatStep()
    {
        _tools.HangFfmpegOn(AudioExtraction);
        await using var host = await StartAsync(new()
        {
            // 5 s for the 10 s video: plenty for the picture lane, which goes on beside the hanging audio.
            ["Ingestion:StepTimeoutFactor"] = "0.5",
            ["Ingestion:StepTimeoutFloorSeconds"] = "1",
        });
        var upload = await UploadAsync(host, new VideoSpec(Seconds: 10));
        var derived = upload.Video.Id.ToString("N");

        var done = await host.Events.WaitForFinishAsync(upload.Task!.Id);

        Assert.Equal((TaskState.Failed, ErrorCodes.StepTimeout), (done.State, done.ErrorCode));
        Assert.Equal("The step audio took longer than its budget of 5 s for a 10 s video (Ingestion:StepTimeoutFactor).", done.ErrorMessage);
        Assert.Equal("audio", done.Step);
        Assert.Empty(FfmpegProcesses.Matching(derived));
        await using var db = await host.DbAsync();
        var audio = await db.TaskSteps.SingleAsync(s => s.TaskId == done.TaskId && s.Name == "audio");
        Assert.Equal((StepState.Failed, done.ErrorMessage), (audio.State, audio.Detail));
        Assert.Equal(0, await db.AudioChunks.CountAsync());
        Assert.DoesNotContain(await db.TaskSteps.Where(s => s.TaskId == done.TaskId).Select(s => s.Name).ToListAsync(), n => n is "transcript" or "index");
    }

    [Fact]
    public async Task Cancel_WhileBothLanesRun_KillsBothFfmpegsAndEndsCancelled()
    {
        _tools.HangFfmpegOn(FrameExtraction);
        _tools.HangFfmpegOn(AudioExtraction);
        await using var host = await StartAsync();
        var upload = await UploadAsync(host, new VideoSpec(Seconds: 10));
        var derived = upload.Video.Id.ToString("N");
        await WaitUntilAsync(() => FfmpegProcesses.Matching($"{derived}/frames").Count > 0 && FfmpegProcesses.Matching($"{derived}/audio").Count > 0);

        await host.Get<TaskCommands>().CancelAsync(upload.Task!.Id, TestActors.Named("alice"), null, CancellationToken.None);
        var done = await host.Events.WaitForFinishAsync(upload.Task.Id);

        Assert.Equal((TaskState.Failed, ErrorCodes.Cancelled, "cancelled by alice"), (done.State, done.ErrorCode, done.ErrorMessage));
        Assert.Empty(FfmpegProcesses.Matching(derived));
        await using var db = await host.DbAsync();
        var steps = await db.TaskSteps.Where(s => s.TaskId == done.TaskId && (s.Name == "frames" || s.Name == "audio")).ToListAsync();
        Assert.Equal(2, steps.Count);
        Assert.All(steps, s => Assert.Equal((StepState.Failed, "cancelled"), (s.State, s.Detail)));
        Assert.Equal(0, await db.Frames.CountAsync() + await db.AudioChunks.CountAsync());
    }

    private static bool Overlap(TaskStep a, TaskStep b) => a.StartedAt < b.FinishedAt && b.StartedAt < a.FinishedAt;

    private static string Interval(TaskStep step) => $"[{step.StartedAt:HH:mm:ss.fff}, {step.FinishedAt:HH:mm:ss.fff}]";

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!condition())
        {
            await Task.Delay(50, patience.Token);
        }
    }

    private Task<ProcessingHost> StartAsync(Dictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        settings ??= [];
        settings["Media:FfmpegFolder"] = _tools.Path;
        return ProcessingHost.StartAsync(_temp.Combine("data"), settings, configure);
    }

    private static async Task<ImportedVideo> UploadAsync(ProcessingHost host, VideoSpec spec)
    {
        var temp = host.Storage.NewIncomingPath();
        await TestMedia.CopyVideoAsync(spec, temp);
        await using var stream = File.OpenRead(temp);
        var sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream));
        return await host.Get<VideoImporter>().ImportUploadAsync(temp, "v.mp4", stream.Length, sha, autoStart: true, null, CancellationToken.None);
    }

    /// <summary>A speech provider that fails every chunk, once the picture lane's ffmpeg is running beside it.</summary>
    private sealed class BrokenTranscriber : ITranscriber
    {
        public Func<bool> WaitFor { get; set; } = () => false;

        public bool SawFramesRunning { get; private set; }

        public string Name => "broken";

        public async Task<IReadOnlyList<SpeechSegment>> TranscribeAsync(string wavPath, CancellationToken cancellationToken)
        {
            using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            patience.CancelAfter(TimeSpan.FromSeconds(30));
            while (!WaitFor())
            {
                await Task.Delay(20, patience.Token);
            }

            SawFramesRunning = true;
            throw new ProviderException(Name, "the model file is damaged");
        }
    }

    public void Dispose() => _temp.Dispose();
}
