using VaasWeb.Processing.Generation;
using VaasWeb.Processing.Tasks;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.Generation;

/// <summary>Following a generation MiniMax has accepted: faults while polling, MiniMax failing it, cancel, deadline, restart.</summary>
public sealed class GenerationPollTests
{
    [Theory]
    [InlineData("http_500", null)]
    [InlineData("http_502", null)]
    [InlineData("http_503", null)]
    [InlineData("http_429", null)]
    [InlineData("drop", null)]
    [InlineData("malformed", null)]
    [InlineData("slow", 3000)]
    public async Task Poll_FailsForAWhile_SaysSoThenCompletes(string kind, int? delayMs)
    {
        await using var rig = await GenerationRig.StartAsync();
        // More failures than one poll's retries (1 + 2): the whole first poll fails, the next one gets through.
        await rig.AddFaultAsync("query", kind, count: 3, delayMs: delayMs);

        var taskId = await rig.CreateAsync();
        var trouble = await rig.Host.Events.WaitForAsync(taskId, s => s.StepDetail?.Contains("the last check failed", StringComparison.Ordinal) == true);
        var finished = await rig.WaitForFinishAsync(taskId);

        Assert.Equal(TaskState.InProgress, trouble.State);
        Assert.Contains("asking again in 5 s", trouble.StepDetail, StringComparison.Ordinal);
        Assert.True(finished.State == TaskState.Completed, $"{finished.State}: {finished.ErrorCode} {finished.ErrorMessage}");
        var polls = await rig.RequestsAsync("query");
        Assert.Equal(4, polls.Count);
        // The retries were part of the first poll; the next poll came an interval after it began, not sooner.
        Assert.True((polls[3].At - polls[0].At).TotalSeconds >= 4.3, $"the next poll came {polls[3].At - polls[0].At} after the failed one began");
    }

    [Fact]
    public async Task Poll_RetryableErrorCode_RetriedWithinThePollAndCompleted()
    {
        await using var rig = await GenerationRig.StartAsync();
        await rig.AddFaultAsync("query", "base_resp", count: 2, code: 1033);

        var taskId = await rig.CreateAsync();
        var finished = await rig.WaitForFinishAsync(taskId);

        Assert.True(finished.State == TaskState.Completed, $"{finished.State}: {finished.ErrorCode} {finished.ErrorMessage}");
        Assert.Equal(3, (await rig.RequestsAsync("query")).Count);
    }

    [Fact]
    public async Task Poll_PermanentErrorCode_FailsWithCodeAndWhatToDo()
    {
        await using var rig = await GenerationRig.StartAsync();
        await rig.AddFaultAsync("query", "base_resp", code: 1004);

        var taskId = await rig.CreateAsync();
        var finished = await rig.WaitForFinishAsync(taskId);

        Assert.Equal(TaskState.Failed, finished.State);
        Assert.Equal("minimax_1004", finished.ErrorCode);
        Assert.Contains("MiniMax:ApiKey", finished.ErrorMessage, StringComparison.Ordinal);
        Assert.Single(await rig.RequestsAsync("query"));
    }

    [Fact]
    public async Task Poll_MiniMaxFailsTheTask_FailsWithItsReason()
    {
        await using var rig = await GenerationRig.StartAsync(emulatorSettings: new { preparing_seconds = 60 });
        var taskId = await rig.CreateAsync();
        var miniMaxTaskId = await rig.AcceptedAsync(taskId);

        await rig.FailOnMiniMaxAsync(miniMaxTaskId, 1027);
        var finished = await rig.WaitForFinishAsync(taskId);

        Assert.Equal(TaskState.Failed, finished.State);
        Assert.Equal("minimax_1027", finished.ErrorCode);
        Assert.Contains("output sensitive content", finished.ErrorMessage, StringComparison.Ordinal);
        Assert.Empty(await rig.RequestsAsync("retrieve"));
    }

    [Fact]
    public async Task Poll_NotDoneByTheDeadline_FailsWithTimeout()
    {
        await using var rig = await GenerationRig.StartAsync(
            new Dictionary<string, string?> { ["MiniMax:TimeoutMinutes"] = "0.1" },
            new { preparing_seconds = 1, queueing_seconds = 600 });

        var taskId = await rig.CreateAsync();
        var finished = await rig.WaitForFinishAsync(taskId);

        Assert.Equal(TaskState.Failed, finished.State);
        Assert.Equal("timeout", finished.ErrorCode);
        Assert.Contains("Queueing", finished.ErrorMessage, StringComparison.Ordinal);
        var polls = await rig.RequestsAsync("query");
        await Task.Delay(TimeSpan.FromSeconds(6));
        Assert.Equal(polls.Count, (await rig.RequestsAsync("query")).Count);
    }

    [Fact]
    public async Task Poll_SeveralChangeInTheSameTick_EachShownOnceAndAllComplete()
    {
        // Accepted together, so their polls run in the same tick and their changes are written as one batch.
        await using var rig = await GenerationRig.StartAsync(emulatorSettings: new { preparing_seconds = 2, queueing_seconds = 5, processing_seconds = 0.5, render_width = 160 });
        var taskIds = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            taskIds.Add(await rig.CreateAsync($"A lighthouse on a cliff at dusk, take {i}"));
        }

        foreach (var taskId in taskIds)
        {
            var finished = await rig.WaitForFinishAsync(taskId, TimeSpan.FromSeconds(60));
            Assert.True(finished.State == TaskState.Completed, $"{finished.State}: {finished.ErrorCode} {finished.ErrorMessage}");
            var statuses = rig.Host.Events.For(taskId).Select(s => s.StepDetail).Where(d => d?.StartsWith("MiniMax: ", StringComparison.Ordinal) == true && !d.Contains(';', StringComparison.Ordinal)).ToList();
            Assert.Contains("MiniMax: Queueing", statuses);
            Assert.Equal(statuses.Distinct().Count(), statuses.Count);
        }
    }

    [Fact]
    public async Task Cancel_WhileMiniMaxWorks_StopsPollingAndSaysWho()
    {
        await using var rig = await GenerationRig.StartAsync(emulatorSettings: new { preparing_seconds = 60 });
        var taskId = await rig.CreateAsync();
        await rig.AcceptedAsync(taskId);

        await rig.Host.Get<TaskCommands>().CancelAsync(taskId, TestActors.Named("ada"), null, CancellationToken.None);
        var finished = await rig.WaitForFinishAsync(taskId, TimeSpan.FromSeconds(10));
        var polls = (await rig.RequestsAsync("query")).Count;
        await Task.Delay(TimeSpan.FromSeconds(6));

        Assert.Equal(TaskState.Failed, finished.State);
        Assert.Equal("cancelled", finished.ErrorCode);
        Assert.Contains("ada", finished.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(polls, (await rig.RequestsAsync("query")).Count);
    }

    [Fact]
    public async Task Restart_WhileMiniMaxWorks_ResumesPollingWithoutSubmittingAgain()
    {
        await using var rig = await GenerationRig.StartAsync(emulatorSettings: new { preparing_seconds = 3, queueing_seconds = 3, processing_seconds = 3, render_width = 160 });
        var taskId = await rig.CreateAsync();
        var miniMaxTaskId = await rig.AcceptedAsync(taskId);

        await rig.RestartAppAsync();
        var finished = await rig.WaitForFinishAsync(taskId);

        Assert.True(finished.State == TaskState.Completed, $"{finished.State}: {finished.ErrorCode} {finished.ErrorMessage}");
        Assert.Equal(1, finished.Attempt);
        Assert.Single(await rig.RequestsAsync("video_generation"));
        var generation = await rig.GenerationAsync(taskId);
        Assert.Equal(miniMaxTaskId, generation.MiniMaxTaskId);
        Assert.Equal(GenerationPhase.Done, generation.Phase);
    }
}
