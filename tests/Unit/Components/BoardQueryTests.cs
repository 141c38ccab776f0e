using VaasWeb.Components.Pages.TaskBoard;
using VaasWeb.Processing.Tasks;

namespace VaasWeb.Tests.Unit.Components;

[Trait("Category", "Fast")]
public class BoardQueryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    private readonly TaskSnapshot[] _tasks =
    [
        Task("b-lake.mp4", TaskState.Pending, minutes: 1),
        Task("a-beach.mp4", TaskState.Pending, minutes: 2),
        Task("c-city.mp4", TaskState.InProgress, minutes: 3, progress: 80, step: "audio"),
        Task("d-dune.mp4", TaskState.InProgress, minutes: 4, progress: 20, step: "frames"),
        Task("e-elk.mp4", TaskState.Failed, minutes: 5, error: "The file is incomplete."),
        Task(null, TaskState.Completed, minutes: 6, kind: TaskKind.Generation),
    ];

    [Fact]
    public void Apply_Everything_PutsEachTaskInItsColumnNewestFirst()
    {
        var columns = BoardQuery.Everything.Apply(_tasks);

        Assert.Equal(["a-beach.mp4", "b-lake.mp4"], Names(columns[TaskState.Pending]));
        Assert.Equal(["d-dune.mp4", "c-city.mp4"], Names(columns[TaskState.InProgress]));
        Assert.Single(columns[TaskState.Completed]);
        Assert.Single(columns[TaskState.Failed]);
    }

    [Fact]
    public void Apply_StatusFilter_LeavesUnselectedColumnsEmpty()
    {
        var columns = (BoardQuery.Everything with { States = new HashSet<TaskState> { TaskState.Failed } }).Apply(_tasks);

        Assert.Empty(columns[TaskState.Pending]);
        Assert.Equal(["e-elk.mp4"], Names(columns[TaskState.Failed]));
    }

    [Fact]
    public void Apply_StalledOnly_KeepsOnlyTasksTheWatchdogMarked()
    {
        var stalled = _tasks[3] with { StalledSince = T0.AddMinutes(10) };

        var columns = (BoardQuery.Everything with { StalledOnly = true }).Apply([.. _tasks[..3], stalled, .. _tasks[4..]]);

        Assert.Equal(["d-dune.mp4"], Names(columns[TaskState.InProgress]));
        Assert.All(columns.Where(c => c.Key != TaskState.InProgress), c => Assert.Empty(c.Value));
    }

    [Fact]
    public void Apply_KindFilter_KeepsOnlyThatKind()
    {
        var columns = (BoardQuery.Everything with { Kind = TaskKind.Generation }).Apply(_tasks);

        Assert.Equal(1, columns.Values.Sum(c => c.Count));
        Assert.Single(columns[TaskState.Completed]);
    }

    [Theory]
    [InlineData("LAKE", "b-lake.mp4")]
    [InlineData("audio", "c-city.mp4")]
    [InlineData("incomplete", "e-elk.mp4")]
    public void Apply_Text_MatchesNameStepOrReasonIgnoringCase(string text, string expected)
    {
        var columns = (BoardQuery.Everything with { Text = text }).Apply(_tasks);

        Assert.Equal([expected], Names(columns.Values.SelectMany(c => c)));
    }

    [Fact]
    public void Apply_Text_MatchesTheStartOfATaskId()
    {
        var target = _tasks[3];

        var columns = (BoardQuery.Everything with { Text = target.TaskId.ToString()[..8] }).Apply(_tasks);

        Assert.Equal(target.TaskId, Assert.Single(columns.Values.SelectMany(c => c)).TaskId);
    }

    [Theory]
    [InlineData(BoardSort.Oldest, new[] { "c-city.mp4", "d-dune.mp4" })]
    [InlineData(BoardSort.Progress, new[] { "c-city.mp4", "d-dune.mp4" })]
    [InlineData(BoardSort.Name, new[] { "c-city.mp4", "d-dune.mp4" })]
    [InlineData(BoardSort.Newest, new[] { "d-dune.mp4", "c-city.mp4" })]
    public void Apply_Sort_OrdersEachColumn(BoardSort sort, string[] running)
    {
        var columns = (BoardQuery.Everything with { Sort = sort }).Apply(_tasks);

        Assert.Equal(running, Names(columns[TaskState.InProgress]));
    }

    private static TaskSnapshot Task(string? name, TaskState state, int minutes, double progress = 0, string? step = null,
        string? error = null, TaskKind? kind = null) =>
        new(Guid.NewGuid(), kind ?? TaskKind.Ingestion, state, step, null, progress, 1, null, name, null, error is null ? null : "media_truncated", error,
            T0.AddMinutes(minutes), null, null, T0.AddMinutes(minutes), false, 1);

    private static string[] Names(IEnumerable<TaskSnapshot> tasks) => tasks.Select(t => t.VideoName ?? "(none)").ToArray();
}
