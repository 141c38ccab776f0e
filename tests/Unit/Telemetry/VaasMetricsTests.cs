using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using VaasWeb.Processing.Failures;
using VaasWeb.Processing.Generation.MiniMax;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Telemetry;

namespace VaasWeb.Tests.Unit.Telemetry;

/// <summary>What each of VaasWeb's instruments records, read back with a <see cref="MeterListener"/> on this container's meter only.</summary>
[Trait("Category", "Fast")]
public sealed class VaasMetricsTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measured = [];
    private readonly VaasMetrics _metrics;

    public VaasMetricsTests()
    {
        var factory = _services.GetRequiredService<IMeterFactory>();
        _metrics = new VaasMetrics(factory);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == VaasMetrics.MeterName && instrument.Meter.Scope == factory)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    [Theory]
    [InlineData("Completed", null, "completed")]
    [InlineData("Failed", ErrorCodes.Cancelled, "cancelled")]
    [InlineData("Failed", ErrorCodes.StepTimeout, "failed")]
    public void TaskEnded_CountsTheOutcomeInTheStatesOwnWords(string state, string? code, string outcome)
    {
        _metrics.TaskEnded(TaskKind.Generation, Enum.Parse<TaskState>(state), code);

        var ended = Assert.Single(_measured);
        Assert.Equal(("vaas.tasks.ended", 1.0, "generation", outcome), (ended.Instrument, ended.Value, ended.Tags["kind"], ended.Tags["outcome"]));
    }

    [Fact]
    public void IngestionFailure_IsCountedByItsCode_ACancelIsNot()
    {
        _metrics.TaskEnded(TaskKind.Ingestion, TaskState.Failed, ErrorCodes.StepTimeout);
        _metrics.TaskEnded(TaskKind.Ingestion, TaskState.Failed, ErrorCodes.Cancelled);
        _metrics.TaskEnded(TaskKind.Generation, TaskState.Failed, "minimax_1026");

        var failure = Assert.Single(_measured, m => m.Instrument == "vaas.ingestion.failures");
        Assert.Equal(ErrorCodes.StepTimeout, failure.Tags["error.type"]);
    }

    [Fact]
    public void WorkPerVideoMinute_IsSecondsOfWorkPerSixtySecondsOfVideo_AndNothingForAnUnknownLength()
    {
        _metrics.IngestionFinished(TimeSpan.FromSeconds(45), videoSeconds: 30);
        _metrics.IngestionFinished(TimeSpan.FromSeconds(45), videoSeconds: 0);

        var work = Assert.Single(_measured);
        Assert.Equal(("vaas.ingestion.work_per_video_minute", 90.0), (work.Instrument, work.Value));
    }

    [Fact]
    public void SubmitGate_AWaitIsCountedOnceWhenItEnds_WithItsLength()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-03T10:00:00Z"));
        var gate = new SubmitRateGate(Options.Create(new MiniMaxOptions { SubmitPerMinute = 1 }), clock);
        Assert.Null(gate.EndHeldBack());
        Assert.True(gate.TryTake());

        // The submit job finds work waiting every second while the gate is closed; the wait began at the first.
        for (var second = 0; second < 20; second++)
        {
            gate.NoteHeldBack();
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        var waited = gate.EndHeldBack();
        _metrics.SubmitHeldBack(waited!.Value);

        Assert.Equal(TimeSpan.FromSeconds(20), waited);
        Assert.Null(gate.EndHeldBack());
        Assert.Equal([("vaas.minimax.submit_gate.waits", 1.0), ("vaas.minimax.submit_gate.wait", 20.0)], _measured.Select(m => (m.Instrument, m.Value)));
    }

    [Fact]
    public void MiniMaxCall_CarriesEndpointOutcomeAndCode()
    {
        _metrics.MiniMaxCall("query", "error", "http_503");

        var call = Assert.Single(_measured);
        Assert.Equal(("query", "error", "http_503"), (call.Tags["minimax.endpoint"], call.Tags["outcome"], call.Tags["minimax.code"]));
    }

    [Fact]
    public void AnotherContainersMeter_IsNotHeard()
    {
        using var elsewhere = new ServiceCollection().AddMetrics().BuildServiceProvider();
        new VaasMetrics(elsewhere.GetRequiredService<IMeterFactory>()).TaskEnded(TaskKind.Ingestion, TaskState.Completed, null);

        Assert.Empty(_measured);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        lock (_measured)
        {
            _measured.Add((instrument.Name, value, copy));
        }
    }
}
