namespace VaasWeb.Processing.Tasks;

/// <summary>One status change of a task: when, from what to what, during which step, and why.</summary>
public sealed class TaskHistoryEntry(Guid taskId, DateTimeOffset at, TaskState? from, TaskState to, int attempt, string? step, string reason)
{
    public long Id { get; private set; }
    public Guid TaskId { get; private set; } = taskId;
    public DateTimeOffset At { get; private set; } = at;
    public TaskState? From { get; private set; } = from;
    public TaskState To { get; private set; } = to;
    public int Attempt { get; private set; } = attempt;
    public string? Step { get; private set; } = step;
    public string Reason { get; private set; } = reason;
}
