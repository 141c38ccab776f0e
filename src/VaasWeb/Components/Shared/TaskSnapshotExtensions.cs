using VaasWeb.Processing.Tasks;

namespace VaasWeb.Components.Shared;

internal static class TaskSnapshotExtensions
{
    public static bool IsFinishedState(this TaskSnapshot task) => TaskStateMachine.IsFinished(task.State);
}
