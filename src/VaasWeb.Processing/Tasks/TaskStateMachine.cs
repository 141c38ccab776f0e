namespace VaasWeb.Processing.Tasks;

/// <summary>Which status changes a task may make. Anything else is a bug, not a user error.</summary>
public static class TaskStateMachine
{
    private static readonly Dictionary<TaskState, TaskState[]> Allowed = new()
    {
        // A pending task starts, or fails without running (cancelled while waiting, input gone).
        [TaskState.Pending] = [TaskState.InProgress, TaskState.Failed],
        // A running task ends, or goes back to the queue (server restart, graceful shutdown).
        [TaskState.InProgress] = [TaskState.Completed, TaskState.Failed, TaskState.Pending],
        // Finished tasks only move again when someone re-runs them.
        [TaskState.Completed] = [TaskState.Pending],
        [TaskState.Failed] = [TaskState.Pending],
    };

    public static bool CanMove(TaskState from, TaskState to) => Allowed[from].Contains(to);

    public static bool IsFinished(TaskState state) => state is TaskState.Completed or TaskState.Failed;

    public static void EnsureCanMove(TaskState from, TaskState to)
    {
        if (!CanMove(from, to))
        {
            throw new InvalidOperationException($"A task cannot move from {from} to {to}.");
        }
    }
}
