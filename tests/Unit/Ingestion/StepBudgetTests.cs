using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Failures;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Videos;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.Ingestion;

/// <summary>
/// A step whose tool never answers (a real ffmpeg swapped for one that hangs on the frame extraction, through
/// <c>Media:FfmpegFolder</c>), against a real SQLite file and real Quartz: killed at its budget, the task failed with a
/// reason that names the step, the budget and the setting, and no process left behind.
/// </summary>
public sealed class StepBudgetTests : IDisposable
{
    /// <summary>Only the frame extraction writes into the frames folder; the probe, the check and the rest are real.</summary>
    private const string FrameExtraction = "/frames/%06d.jpg";

    private static readonly VideoSpec TenSeconds = new(Seconds: 10, Audio: false);

    private readonly TempDirectory _temp = new();
    private readonly ToolFolder _tools;

    public StepBudgetTests()
    {
        _tools = new ToolFolder(_temp.Combine("tools"));
        _tools.HangFfmpegOn(FrameExtraction);
    }

    [Fact]
    public async Task HangingStep_IsKilledAtItsBudget_TaskFailsNamingTheStepAndTheBudget()
    {
        await using var host = await StartAsync(new()
        {
            // Half a second per second of video: 5 s for the 10 s video, far more than the probe needs.
            ["Ingestion:StepTimeoutFactor"] = "0.5",
            ["Ingestion:StepTimeoutFloorSeconds"] = "1",
        });
        var upload = await UploadAsync(host);
        var derived = upload.Video.Id.ToString("N");
        await WaitForHangingFfmpegAsync(derived);

        var done = await host.Events.WaitForFinishAsync(upload.Task!.Id);

        Assert.Equal((TaskState.Failed, ErrorCodes.StepTimeout), (done.State, done.ErrorCode));
        Assert.Equal("The step frames took longer than its budget of 5 s for a 10 s video (Ingestion:StepTimeoutFactor).", done.ErrorMessage);
        Assert.Equal("frames", done.Step);
        Assert.Empty(FfmpegProcesses.Matching(derived));
        await using var db = await host.DbAsync();
        var frames = await db.TaskSteps.SingleAsync(s => s.TaskId == done.TaskId && s.Name == "frames");
        Assert.Equal((StepState.Failed, done.ErrorMessage), (frames.State, frames.Detail));
        Assert.Equal(0, await db.Frames.CountAsync());
        Assert.False(Directory.Exists(Path.Combine(host.Storage.Root, "derived", derived, "frames")));
        // The probe before it finished within its own budget.
        Assert.Equal(StepState.Completed, (await db.TaskSteps.SingleAsync(s => s.TaskId == done.TaskId && s.Name == "probe")).State);
    }

    [Fact]
    public async Task HangingStep_PastTheTaskDeadline_FailsAsTheTaskRunningOutOfTime()
    {
        await using var host = await StartAsync(new()
        {
            // Each step may take 10 minutes, but the whole ingestion only 3 s.
            ["Ingestion:TaskTimeoutFactor"] = "0.01",
            ["Ingestion:TaskTimeoutFloorSeconds"] = "3",
        });
        var upload = await UploadAsync(host);
        var derived = upload.Video.Id.ToString("N");
        await WaitForHangingFfmpegAsync(derived);

        var done = await host.Events.WaitForFinishAsync(upload.Task!.Id);

        Assert.Equal((TaskState.Failed, ErrorCodes.TaskTimeout), (done.State, done.ErrorCode));
        Assert.Equal("The ingestion took longer than its budget of 3 s for a 10 s video (Ingestion:TaskTimeoutFloorSeconds); it was stopped during step frames.",
            done.ErrorMessage);
        Assert.Empty(FfmpegProcesses.Matching(derived));
    }

    [Fact]
    public async Task HangingStep_CancelledByAPerson_ReadsCancelledNotOutOfTime()
    {
        await using var host = await StartAsync(new());
        var upload = await UploadAsync(host);
        var derived = upload.Video.Id.ToString("N");
        await WaitForHangingFfmpegAsync(derived);

        await host.Get<TaskCommands>().CancelAsync(upload.Task!.Id, TestActors.Named("alice"), null, CancellationToken.None);
        var done = await host.Events.WaitForFinishAsync(upload.Task.Id);

        Assert.Equal((TaskState.Failed, ErrorCodes.Cancelled, "cancelled by alice"), (done.State, done.ErrorCode, done.ErrorMessage));
        Assert.Empty(FfmpegProcesses.Matching(derived));
    }

    private Task<ProcessingHost> StartAsync(Dictionary<string, string?> settings)
    {
        settings["Media:FfmpegFolder"] = _tools.Path;
        return ProcessingHost.StartAsync(_temp.Combine("data"), settings);
    }

    /// <summary>The hanging ffmpeg is there, so what the test sees after is its kill, not a run that never started.</summary>
    private static async Task WaitForHangingFfmpegAsync(string derived)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (FfmpegProcesses.Matching(derived).Count == 0)
        {
            await Task.Delay(50, patience.Token);
        }
    }

    private static async Task<ImportedVideo> UploadAsync(ProcessingHost host)
    {
        var temp = host.Storage.NewIncomingPath();
        await TestMedia.CopyVideoAsync(TenSeconds, temp);
        await using var stream = File.OpenRead(temp);
        var sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream));
        return await host.Get<VideoImporter>().ImportUploadAsync(temp, "v.mp4", stream.Length, sha, autoStart: true, null, CancellationToken.None);
    }

    public void Dispose() => _temp.Dispose();
}
