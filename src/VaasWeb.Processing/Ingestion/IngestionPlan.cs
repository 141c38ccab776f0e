namespace VaasWeb.Processing.Ingestion;

/// <summary>A step and its place in the order of registration, which is its row's ordinal.</summary>
internal sealed record PlannedStep(int Ordinal, IIngestionStep Step);

/// <summary>Steps of one lane, run one after another.</summary>
internal sealed record PlannedLane(IngestionLane Lane, IReadOnlyList<PlannedStep> Steps);

/// <summary>Lanes run side by side; the stage is over when every lane is.</summary>
internal sealed record PlannedStage(IReadOnlyList<PlannedLane> Lanes);

/// <summary>
/// The order the steps run in, from the order they are registered and the lane each declares: a main step is a stage of
/// its own, and a run of consecutive steps of other lanes is one stage whose lanes run side by side. As registered:
/// probe → [frames → frame_text → captions] ‖ [audio → transcript] → chapters → index → embeddings.
/// </summary>
internal sealed class IngestionPlan
{
    private IngestionPlan(IReadOnlyList<PlannedStage> stages) => Stages = stages;

    public IReadOnlyList<PlannedStage> Stages { get; }

    public static IngestionPlan Of(IReadOnlyList<IIngestionStep> steps)
    {
        var stages = new List<PlannedStage>();
        var beside = new List<PlannedStep>();
        void CloseSideBySide()
        {
            if (beside.Count > 0)
            {
                stages.Add(new PlannedStage(beside.GroupBy(p => p.Step.Lane).Select(g => new PlannedLane(g.Key, g.ToArray())).ToArray()));
                beside.Clear();
            }
        }

        for (var ordinal = 0; ordinal < steps.Count; ordinal++)
        {
            var planned = new PlannedStep(ordinal, steps[ordinal]);
            if (planned.Step.Lane == IngestionLane.Main)
            {
                CloseSideBySide();
                stages.Add(new PlannedStage([new PlannedLane(IngestionLane.Main, [planned])]));
            }
            else
            {
                beside.Add(planned);
            }
        }

        CloseSideBySide();
        return new IngestionPlan(stages);
    }

    /// <summary>"probe → [frames → frame_text → captions] ‖ [audio → transcript] → chapters → index → embeddings".</summary>
    public override string ToString() => string.Join(" → ", Stages.Select(stage => stage.Lanes.Count == 1
        ? Names(stage.Lanes[0])
        : string.Join(" ‖ ", stage.Lanes.Select(lane => $"[{Names(lane)}]"))));

    private static string Names(PlannedLane lane) => string.Join(" → ", lane.Steps.Select(p => p.Step.Name));
}
