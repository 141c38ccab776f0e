using VaasWeb.Components.Shared;
using VaasWeb.Realtime;

namespace VaasWeb.Tests.Unit.Components;

[Trait("Category", "Fast")]
public class TimeTextTests
{
    [Theory]
    [InlineData(null, "—")]
    [InlineData(0.4, "< 1 s")]
    [InlineData(42.9, "42 s")]
    [InlineData(185.0, "3 min 05 s")]
    [InlineData(7620.0, "2 h 07 min")]
    public void Eta_FormatsForPeople(double? seconds, string expected)
    {
        Assert.Equal(expected, TimeText.Eta(seconds is null ? null : TimeSpan.FromSeconds(seconds.Value)));
    }

    [Theory]
    [InlineData(7, "0:07")]
    [InlineData(754, "12:34")]
    [InlineData(3723, "1:02:03")]
    [InlineData(-3, "0:00")]
    public void Clock_FormatsLikeAStopwatch(double seconds, string expected)
    {
        Assert.Equal(expected, TimeText.Clock(TimeSpan.FromSeconds(seconds)));
    }
}

[Trait("Category", "Fast")]
public class ProgressSamplesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Estimate_OneReading_IsUnknown()
    {
        var samples = new ProgressSamples();
        samples.Add("frames", T0, 10);

        Assert.Null(samples.Estimate(T0));
    }

    [Fact]
    public void Estimate_ReadingsUnderASecondApart_IsUnknown()
    {
        var samples = new ProgressSamples();
        samples.Add("frames", T0, 10);
        samples.Add("frames", T0.AddMilliseconds(500), 20);

        Assert.Null(samples.Estimate(T0.AddMilliseconds(500)));
    }

    [Fact]
    public void Estimate_SteadyRate_IsWhatRemainsAtThatRate()
    {
        var samples = new ProgressSamples();
        samples.Add("frames", T0, 10);
        samples.Add("frames", T0.AddSeconds(4), 30);

        // 5 % a second, 70 % to go: 14 s, of which 1 s has passed since the last reading.
        Assert.Equal(TimeSpan.FromSeconds(13), samples.Estimate(T0.AddSeconds(5)));
    }

    [Fact]
    public void Estimate_AfterTheStepChanged_StartsOver()
    {
        var samples = new ProgressSamples();
        samples.Add("frames", T0, 10);
        samples.Add("frames", T0.AddSeconds(4), 30);
        samples.Add("audio", T0.AddSeconds(5), 60);

        Assert.Null(samples.Estimate(T0.AddSeconds(5)));
    }

    [Fact]
    public void Estimate_NoProgress_IsUnknownRatherThanInfinite()
    {
        var samples = new ProgressSamples();
        samples.Add("frames", T0, 30);
        samples.Add("frames", T0.AddSeconds(10), 30);

        Assert.Null(samples.Estimate(T0.AddSeconds(10)));
    }

    [Fact]
    public void Estimate_OverdueLongPastTheRate_IsZeroNotNegative()
    {
        var samples = new ProgressSamples();
        samples.Add("frames", T0, 90);
        samples.Add("frames", T0.AddSeconds(1), 95);

        Assert.Equal(TimeSpan.Zero, samples.Estimate(T0.AddMinutes(5)));
    }
}

[Trait("Category", "Fast")]
public class TaskEtaTrackerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void StaleRunningUpdateAfterTheFinish_DoesNotBringTheTaskBack()
    {
        var updates = new VaasWeb.Tests.Unit.Support.FakeTaskUpdates();
        using var tracker = new TaskEtaTracker(updates);
        var running = Snapshot(VaasWeb.Processing.Tasks.TaskState.InProgress, progress: 10, version: 2, at: T0);

        updates.Push(running);
        updates.Push(running with { Progress = 30, Version = 3, UpdatedAt = T0.AddSeconds(2) });
        updates.Push(running with { State = VaasWeb.Processing.Tasks.TaskState.Failed, Version = 5 });
        updates.Push(running with { Progress = 40, Version = 4, UpdatedAt = T0.AddSeconds(3) });

        Assert.Null(tracker.EtaOf(running with { Progress = 40, Version = 4 }, T0.AddSeconds(3)));
    }

    [Fact]
    public void RunningTaskWithMeasuredProgress_HasAnEstimate()
    {
        var updates = new VaasWeb.Tests.Unit.Support.FakeTaskUpdates();
        using var tracker = new TaskEtaTracker(updates);
        var running = Snapshot(VaasWeb.Processing.Tasks.TaskState.InProgress, progress: 10, version: 2, at: T0);

        updates.Push(running);
        updates.Push(running with { Progress = 30, Version = 3, UpdatedAt = T0.AddSeconds(2) });

        Assert.Equal(TimeSpan.FromSeconds(7), tracker.EtaOf(running with { Progress = 30, Version = 3 }, T0.AddSeconds(2)));
    }

    private static VaasWeb.Processing.Tasks.TaskSnapshot Snapshot(VaasWeb.Processing.Tasks.TaskState state, double progress, long version, DateTimeOffset at) =>
        new(Guid.Parse("6d1f0f0e-6a39-4c3b-9a77-1b1f5f2b7e01"), VaasWeb.Processing.Tasks.TaskKind.Ingestion, state, "frames", null, progress, 1, null, "x.mp4", null,
            null, null, at, at, null, at, false, version);
}
