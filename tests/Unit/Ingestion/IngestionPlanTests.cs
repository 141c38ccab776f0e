using VaasWeb.Processing.Ingestion;

namespace VaasWeb.Tests.Unit.Ingestion;

/// <summary>Which steps run beside which, and the one progress bar they make together.</summary>
[Trait("Category", "Fast")]
public sealed class IngestionPlanTests
{
    [Fact]
    public void Of_StepsAsTheyAreRegistered_RunsThePictureAndSoundLanesSideBySideBetweenMainSteps()
    {
        var plan = IngestionPlan.Of(Registered);

        Assert.Equal("probe → [frames → frame_text → captions] ‖ [audio → transcript] → chapters → index → embeddings", plan.ToString());
        Assert.Equal(5, plan.Stages.Count);
        var sideBySide = plan.Stages[1];
        Assert.Equal([IngestionLane.Picture, IngestionLane.Sound], sideBySide.Lanes.Select(l => l.Lane));
        // Each step keeps its place in the registration as its row's ordinal, whichever lane it runs in.
        Assert.Equal([1, 2, 3], sideBySide.Lanes[0].Steps.Select(s => s.Ordinal));
        Assert.Equal([4, 5], sideBySide.Lanes[1].Steps.Select(s => s.Ordinal));
    }

    [Fact]
    public void Of_OnlyMainSteps_RunsThemOneAfterAnother()
    {
        var plan = IngestionPlan.Of([Step("a"), Step("b"), Step("c")]);

        Assert.Equal("a → b → c", plan.ToString());
        Assert.All(plan.Stages, stage => Assert.Single(stage.Lanes));
    }

    [Fact]
    public void Progress_TwoLanesReportingAtOnce_IsTheWeightedSumOfEveryStepAndNeverGoesBack()
    {
        var reports = new List<(string Step, double Percent)>();
        var progress = new IngestionProgress(Registered, (step, percent) => reports.Add((step, percent)));
        progress.Started(0);
        progress.Finished(0);
        progress.Started(1);
        progress.Started(4);

        // The picture lane (frames, weight 6) and the sound lane (audio, weight 3) report from their own threads.
        Parallel.For(0, 2, lane =>
        {
            var ordinal = lane == 0 ? 1 : 4;
            for (var i = 1; i <= 1000; i++)
            {
                progress.For(ordinal).Report(i / 1000.0);
            }
        });

        Assert.Equal(reports.Select(r => r.Percent).Order(), reports.Select(r => r.Percent));
        // probe + frames + audio of the 27 weights.
        Assert.Equal(100.0 * (1 + 6 + 3) / 27, reports[^1].Percent, precision: 9);
        Assert.Equal("frames + audio", reports[^1].Step);
    }

    [Fact]
    public void Progress_AStepReportingLessThanBefore_LeavesTheBarWhereItWas()
    {
        var reports = new List<double>();
        var progress = new IngestionProgress([Step("a", weight: 1), Step("b", weight: 1)], (_, percent) => reports.Add(percent));
        progress.Started(0);

        progress.For(0).Report(0.5);
        progress.For(0).Report(0.2);
        progress.Ended(0);

        Assert.Equal([0, 25, 25, 25], reports);
    }

    [Fact]
    public void Progress_NamesEveryRunningStepInOrder_AndOnlyChangesTheNameWhenAStepStartsOrEnds()
    {
        var names = new List<string>();
        var progress = new IngestionProgress(Registered, (step, _) => names.Add(step));

        progress.Started(4);
        progress.Started(1);
        progress.For(1).Report(0.5);
        progress.For(4).Report(0.5);
        progress.Finished(4);
        progress.Started(5);
        progress.Finished(5);
        progress.Finished(1);

        Assert.Equal(["audio", "frames + audio", "frames + audio", "frames + audio", "frames", "frames + transcript", "frames", "frames"], names);
    }

    [Fact]
    public void Progress_AfterAFailure_NamesTheFailedStepNotTheOnesStoppedBecauseOfIt()
    {
        var names = new List<string>();
        var progress = new IngestionProgress(Registered, (step, _) => names.Add(step));
        progress.Started(1);
        progress.Started(5);

        progress.FailedAt(5);
        progress.Ended(1);

        Assert.Equal(["transcript", "transcript"], names[^2..]);
    }

    private static readonly IIngestionStep[] Registered =
    [
        Step("probe", 1), Step("frames", 6, IngestionLane.Picture), Step("frame_text", 4, IngestionLane.Picture), Step("captions", 3, IngestionLane.Picture),
        Step("audio", 3, IngestionLane.Sound), Step("transcript", 6, IngestionLane.Sound), Step("chapters", 1), Step("index", 1), Step("embeddings", 2),
    ];

    private static FakeStep Step(string name, double weight = 1, IngestionLane lane = IngestionLane.Main) => new(name, weight, lane);

    private sealed class FakeStep(string name, double weight, IngestionLane lane) : IIngestionStep
    {
        public string Name => name;
        public double Weight => weight;
        public IngestionLane Lane => lane;

        public Task<StepOutcome> RunAsync(IngestionRun run, IProgress<double> progress, CancellationToken cancellationToken) =>
            throw new NotSupportedException("Only planned here, never run.");
    }
}
