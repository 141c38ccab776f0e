using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using VaasWeb.Processing.Generation;
using VaasWeb.Processing.Failures;
using VaasWeb.Processing.Generation.MiniMax;

namespace VaasWeb.Tests.Unit.Generation;

[Trait("Category", "Fast")]
public sealed class GenerationRulesTests
{
    [Fact]
    public void Check_ValidTextToVideo_NoProblems() =>
        Assert.Empty(GenerationRules.Check("A fox in the snow", "MiniMax-Hailuo-2.3", 10, "768P", hasFirstFrame: false, null, null));

    [Theory]
    [InlineData("MiniMax-Hailuo-2.3", 10, "1080P", false, "1080P videos can only be 6 seconds long")]
    [InlineData("T2V-01", 10, "720P", false, "duration 10 s is not offered by T2V-01")]
    [InlineData("T2V-01", 6, "768P", false, "resolution 768P is not offered by T2V-01: use 720P")]
    [InlineData("MiniMax-Hailuo-2.3-Fast", 6, "768P", false, "give a first frame")]
    [InlineData("T2V-01", 6, "720P", true, "from text only")]
    [InlineData("Sora", 6, "720P", false, "model must be one of")]
    public void Check_WhatMiniMaxWouldRefuse_SaysWhatToChange(string model, int duration, string resolution, bool firstFrame, string expected)
    {
        var problems = GenerationRules.Check("A fox", model, duration, resolution, firstFrame, null, null);

        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Check_NoPromptButAFirstFrame_Allowed() =>
        Assert.Empty(GenerationRules.Check("  ", "I2V-01", 6, "720P", hasFirstFrame: true, null, null));

    [Fact]
    public void Check_NoPromptAndNoFirstFrame_PromptRequired() =>
        Assert.Contains(GenerationRules.Check("  ", "T2V-01", 6, "720P", hasFirstFrame: false, null, null), p => p.StartsWith("prompt is required", StringComparison.Ordinal));

    [Fact]
    public void Check_PromptTooLong_SaysTheLimit() =>
        Assert.Contains(GenerationRules.Check(new string('a', 2001), "T2V-01", 6, "720P", false, null, null), p => p.Contains("2001 characters", StringComparison.Ordinal));

    [Fact]
    public void Check_NarrationWithoutAVoice_AsksForOne() =>
        Assert.Contains(GenerationRules.Check("A fox", "T2V-01", 6, "720P", false, "Once upon a time", null), p => p.Contains("voice_id", StringComparison.Ordinal));

    [Fact]
    public void Check_SeveralProblems_AllReportedAtOnce() =>
        Assert.Equal(3, GenerationRules.Check("", "T2V-01", 10, "1080P", false, null, null).Count);
}

[Trait("Category", "Fast")]
public sealed class SubmitRateGateTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    private SubmitRateGate Gate(int perMinute) => new(Options.Create(new MiniMaxOptions { SubmitPerMinute = perMinute }), _clock);

    [Fact]
    public void TryTake_LimitReached_RefusesUntilTheOldestSendIsAMinuteOld()
    {
        var gate = Gate(3);
        for (var i = 0; i < 3; i++)
        {
            Assert.True(gate.TryTake());
            _clock.Advance(TimeSpan.FromSeconds(10));
        }

        Assert.False(gate.TryTake());
        Assert.Equal(TimeSpan.FromSeconds(30), gate.WaitTime());
        _clock.Advance(TimeSpan.FromSeconds(29.9));
        Assert.False(gate.TryTake());
        _clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.True(gate.TryTake());
        Assert.False(gate.TryTake());
    }

    [Fact]
    public void TryTake_ManySendsOverTime_NeverMoreThanTheLimitInAnyMinute()
    {
        var gate = Gate(5);
        var sent = new List<DateTimeOffset>();
        for (var step = 0; step < 3000; step++)
        {
            if (gate.TryTake())
            {
                sent.Add(_clock.GetUtcNow());
            }

            _clock.Advance(TimeSpan.FromMilliseconds(137));
        }

        Assert.True(sent.Count >= 5 * 6, $"only {sent.Count} sends in {3000 * 0.137:0} s");
        foreach (var start in sent)
        {
            Assert.True(sent.Count(t => t >= start && t < start + SubmitRateGate.Window) <= 5);
        }
    }

    [Fact]
    public void Pause_AfterATurnAway_NoSlotUntilItEnds()
    {
        var gate = Gate(5);

        gate.Pause(TimeSpan.FromSeconds(10));

        Assert.Equal(TimeSpan.FromSeconds(10), gate.WaitTime());
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.Zero, gate.WaitTime());
    }

    [Fact]
    public void Seed_SendsBeforeARestart_StillCountAgainstTheWindow()
    {
        var gate = Gate(2);
        var now = _clock.GetUtcNow();

        gate.Seed([now.AddSeconds(-50), now.AddSeconds(-20), now.AddSeconds(-90)]);

        Assert.False(gate.TryTake());
        Assert.Equal(TimeSpan.FromSeconds(10), gate.WaitTime());
    }
}

[Trait("Category", "Fast")]
public sealed class MiniMaxErrorCodesTests
{
    [Theory]
    [InlineData(1002, true)]
    [InlineData(1033, true)]
    [InlineData(1026, false)]
    [InlineData(2049, false)]
    [InlineData(1008, false)]
    [InlineData(424242, false)]
    public void IsRetryable_ByCode(int code, bool retryable) => Assert.Equal(retryable, MiniMaxErrorCodes.IsRetryable(code));

    [Fact]
    public void Describe_KeyProblem_SaysWhichSettingToCheck() =>
        Assert.Equal(
            "invalid API key (2049). Check MiniMax:ApiKey, and that the key belongs to MiniMax:BaseUrl's region (api.minimax.io or api.minimaxi.com).",
            MiniMaxErrorCodes.Describe(2049, "invalid api key"));

    [Fact]
    public void Describe_MessageAddsSomething_KeepsIt() =>
        Assert.Equal("input sensitive content (1026): prompt mentions a public figure. Change the prompt or the first frame.",
            MiniMaxErrorCodes.Describe(1026, "prompt mentions a public figure"));

    [Fact]
    public void Describe_UnknownCode_StillShowsCodeAndMessage() =>
        Assert.Equal("error (9999): something new", MiniMaxErrorCodes.Describe(9999, "something new"));
}
