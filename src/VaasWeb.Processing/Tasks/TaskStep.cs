namespace VaasWeb.Processing.Tasks;

public enum StepState
{
    Running,
    Completed,
    Skipped,
    Failed,

    /// <summary>The server stopped (crashed) while the step ran; its attempt was not finished.</summary>
    Interrupted,

    /// <summary>Stopped before it finished because a step running beside it failed; it did not fail itself.</summary>
    Stopped,
}

/// <summary>One step of one attempt of a task, persisted as it starts and ends (per-step timings, skip reasons).</summary>
public sealed class TaskStep
{
    private TaskStep()
    {
    }

    public TaskStep(Guid taskId, int attempt, int ordinal, string name, DateTimeOffset startedAt)
    {
        TaskId = taskId;
        Attempt = attempt;
        Ordinal = ordinal;
        Name = name;
        State = StepState.Running;
        StartedAt = startedAt;
    }

    public long Id { get; private set; }
    public Guid TaskId { get; private set; }
    public int Attempt { get; private set; }
    public int Ordinal { get; private set; }
    public string Name { get; private set; } = "";
    public StepState State { get; private set; }
    public DateTimeOffset StartedAt { get; private set; }
    public DateTimeOffset? FinishedAt { get; private set; }

    /// <summary>What the step produced, or why it was skipped or failed, in words.</summary>
    public string? Detail { get; private set; }

    public void Finish(StepState state, string? detail, DateTimeOffset now)
    {
        State = state;
        Detail = detail;
        FinishedAt = now;
    }
}
