using VaasWeb.Processing.Generation;
using VaasWeb.Processing.Tasks;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.Generation;

/// <summary>
/// Sending a generation to MiniMax when the answer is not a plain yes: what is sent again, what is never sent twice,
/// and what the task says. Against the emulator over real HTTP.
/// </summary>
public sealed class GenerationSubmitTests
{
    [Theory]
    [InlineData("http_429")]
    public async Task Submit_TurnedAwayOnce_SentAgainAndCompleted(string kind)
    {
        await using var rig = await GenerationRig.StartAsync();
        await rig.AddFaultAsync("video_generation", kind);

        var taskId = await rig.CreateAsync();
        var finished = await rig.WaitForFinishAsync(taskId);

        Assert.True(finished.State == TaskState.Completed, $"{finished.State}: {finished.ErrorCode} {finished.ErrorMessage}");
        var submits = await rig.RequestsAsync("video_generation");
        Assert.Equal([int.Parse(kind[5..]), 200], submits.Select(s => s.Status!.Value));
    }

    [Theory]
    [InlineData("http_500", null)]
    [InlineData("http_502", null)]
    [InlineData("http_503", null)]
    [InlineData("drop", null)]
    [InlineData("slow", 4000)]
    [InlineData("malformed", null)]
    public async Task Submit_AnswerLostAfterSending_FailsWithoutSendingTwice(string kind, int? delayMs)
    {
        await using var rig = await GenerationRig.StartAsync();
        await rig.AddFaultAsync("video_generation", kind, delayMs: delayMs);

        var taskId = await rig.CreateAsync();
        var finished = await rig.WaitForFinishAsync(taskId);

        Assert.Equal(TaskState.Failed, finished.State);
        Assert.Equal("submit_outcome_unknown", finished.ErrorCode);
        Assert.Contains("re-run", finished.ErrorMessage, StringComparison.Ordinal);
        // Seconds later, still exactly one request: nothing retried it behind the user's back.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Single(await rig.RequestsAsync("video_generation"));
        Assert.Equal(GenerationPhase.Submitting, (await rig.GenerationAsync(taskId)).Phase);
    }

    [Fact]
    public async Task Submit_RefusedAsSensitive_FailsWithMiniMaxsReason()
    {
        await using var rig = await GenerationRig.StartAsync();
        await rig.AddFaultAsync("video_generation", "base_resp", code: 1026);

        var taskId = await rig.CreateAsync();
        var finished = await rig.WaitForFinishAsync(taskId);

        Assert.Equal(TaskState.Failed, finished.State);
        Assert.Equal("minimax_1026", finished.ErrorCode);
        Assert.Contains("sensitive", finished.ErrorMessage, StringComparison.OrdinalIgnoreCase);
        Assert.Single(await rig.RequestsAsync("video_generation"));
    }

    [Fact]
    public async Task Submit_WrongApiKey_FailsSayingCheckTheKey()
    {
        await using var rig = await GenerationRig.StartAsync(new Dictionary<string, string?> { ["MiniMax:ApiKey"] = "not-the-key" });

        var taskId = await rig.CreateAsync();
        var finished = await rig.WaitForFinishAsync(taskId);

        Assert.Equal(TaskState.Failed, finished.State);
        Assert.Equal("minimax_2049", finished.ErrorCode);
        Assert.Contains("MiniMax:ApiKey", finished.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_RateLimitedByCode_RequeuedAndSentAfterAPause()
    {
        // 1002 (rate limited) three times: the first run's attempts all get it, the task goes back to the queue.
        await using var rig = await GenerationRig.StartAsync(new Dictionary<string, string?> { ["MiniMax:SubmitPerMinute"] = "20" });
        await rig.AddFaultAsync("video_generation", "base_resp", count: 3, code: 1002);

        var taskId = await rig.CreateAsync();
        var requeued = await rig.Host.Events.WaitForAsync(taskId, s => s.State == TaskState.Pending && s.Attempt >= 1 && s.StepDetail?.Contains("not sent", StringComparison.Ordinal) == true);
        var finished = await rig.WaitForFinishAsync(taskId);

        Assert.Contains("rate", requeued.StepDetail, StringComparison.OrdinalIgnoreCase);
        Assert.True(finished.State == TaskState.Completed, $"{finished.State}: {finished.ErrorCode} {finished.ErrorMessage}");
        var submits = await rig.RequestsAsync("video_generation");
        Assert.Equal(4, submits.Count);
        // The pause before the task's second run is at least the poll interval.
        Assert.True((submits[3].At - submits[2].At).TotalSeconds >= 4.9, $"{submits[3].At - submits[2].At}");
    }

    [Fact]
    public async Task Submit_MoreWaitingThanTheRateAllows_SendsOnlyTheRate()
    {
        await using var rig = await GenerationRig.StartAsync(new Dictionary<string, string?> { ["MiniMax:SubmitPerMinute"] = "2" });

        var first = await rig.CreateAsync("first");
        var second = await rig.CreateAsync("second");
        var third = await rig.CreateAsync("third");
        await rig.WaitForFinishAsync(first);
        await rig.WaitForFinishAsync(second);
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        Assert.Equal(2, (await rig.RequestsAsync("video_generation")).Count);
        var waiting = await rig.Service.GetAsync(third, CancellationToken.None);
        Assert.Equal(TaskState.Pending, waiting!.Task.State);
        Assert.Contains("submit slot", waiting.Task.StepDetail, StringComparison.Ordinal);

        // A waiting generation can be cancelled; it is never sent.
        await rig.Host.Get<TaskCommands>().CancelAsync(third, TestActors.Named("test"), null, CancellationToken.None);
        var cancelled = await rig.WaitForFinishAsync(third);
        Assert.Equal("cancelled", cancelled.ErrorCode);
        Assert.Equal(2, (await rig.RequestsAsync("video_generation")).Count);
    }
}
