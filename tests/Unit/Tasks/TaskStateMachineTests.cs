using VaasWeb.Processing.Tasks;

namespace VaasWeb.Tests.Unit.Tasks;

[Trait("Category", "Fast")]
public class TaskStateMachineTests
{
    public static TheoryData<TaskState, TaskState, bool> Moves => new()
    {
        { TaskState.Pending, TaskState.Pending, false },
        { TaskState.Pending, TaskState.InProgress, true },
        { TaskState.Pending, TaskState.Completed, false },
        { TaskState.Pending, TaskState.Failed, true },
        { TaskState.InProgress, TaskState.Pending, true },
        { TaskState.InProgress, TaskState.InProgress, false },
        { TaskState.InProgress, TaskState.Completed, true },
        { TaskState.InProgress, TaskState.Failed, true },
        { TaskState.Completed, TaskState.Pending, true },
        { TaskState.Completed, TaskState.InProgress, false },
        { TaskState.Completed, TaskState.Completed, false },
        { TaskState.Completed, TaskState.Failed, false },
        { TaskState.Failed, TaskState.Pending, true },
        { TaskState.Failed, TaskState.InProgress, false },
        { TaskState.Failed, TaskState.Completed, false },
        { TaskState.Failed, TaskState.Failed, false },
    };

    [Theory]
    [MemberData(nameof(Moves))]
    public void CanMove_EveryPair_MatchesTheDiagram(TaskState from, TaskState to, bool allowed)
    {
        Assert.Equal(allowed, TaskStateMachine.CanMove(from, to));
    }

    [Fact]
    public void EnsureCanMove_IllegalMove_ThrowsNamingBothStates()
    {
        var e = Assert.Throws<InvalidOperationException>(() => TaskStateMachine.EnsureCanMove(TaskState.Completed, TaskState.Failed));
        Assert.Contains("Completed", e.Message);
        Assert.Contains("Failed", e.Message);
    }
}
