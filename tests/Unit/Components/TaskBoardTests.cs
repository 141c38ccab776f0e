using Bunit;
using VaasWeb.Components.Pages.TaskBoard;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Videos;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.Components;

[Trait("Category", "Fast")]
public class TaskBoardTests : ComponentTestContext
{
    [Fact]
    public void Render_NoTasks_SaysHowToStart()
    {
        var board = Render<TaskBoard>();

        board.WaitForAssertion(() => Assert.Contains("No tasks yet", board.Find("[data-testid=empty-board]").TextContent));
        Assert.Contains("upload-video", board.Markup);
    }

    [Fact]
    public void Render_TasksInEveryState_GroupsThemUnderTheirStatusWithCounts()
    {
        AddTask("queued-1.mp4");
        AddTask("queued-2.mp4");
        AddTask("busy.mp4", t => t.Start("node", Now));
        AddTask("done.mp4", t => { t.Start("node", Now); t.Complete(Now); });
        AddTask("broken.mp4", t => { t.Start("node", Now); t.Fail("media_truncated", "The file is incomplete.", Now); });

        var board = Render<TaskBoard>();

        board.WaitForAssertion(() => Assert.Equal("2", Count(board, "pending")));
        Assert.Equal(("1", "1", "1"), (Count(board, "running"), Count(board, "completed"), Count(board, "failed")));
        Assert.Equal(["queued-2.mp4", "queued-1.mp4"], NamesIn(board, "pending"));
        Assert.Equal(["busy.mp4"], NamesIn(board, "running"));
        Assert.Equal(["done.mp4"], NamesIn(board, "completed"));
        Assert.Equal(["broken.mp4"], NamesIn(board, "failed"));
    }

    [Fact]
    public void FailedCard_ShowsItsReason()
    {
        AddTask("broken.mp4", t => { t.Start("node", Now); t.Fail("media_truncated", "The file is incomplete or damaged. Upload it again.", Now); });

        var board = Render<TaskBoard>();

        board.WaitForAssertion(() => Assert.Equal("The file is incomplete or damaged. Upload it again.",
            board.Find("[data-testid=column-failed] [data-testid=failure-reason]").TextContent));
    }

    [Fact]
    public void Push_ProgressOfOneTask_ReRendersThatCardOnly()
    {
        var first = AddTask("first.mp4", t => t.Start("node", Now));
        var second = AddTask("second.mp4", t => t.Start("node", Now));
        var board = Render<TaskBoard>();
        board.WaitForAssertion(() => Assert.Equal("2", Count(board, "running")));

        Updates.Push(TaskSnapshot.Of(first) with { Step = "frames", Progress = 40, Version = first.Version + 1 });

        board.WaitForAssertion(() => Assert.Equal("40%", Card(board, "first.mp4").QuerySelector("[data-testid=task-progress]")!.TextContent));
        Assert.Equal("0%", Card(board, "second.mp4").QuerySelector("[data-testid=task-progress]")!.TextContent);
        Assert.Contains("frames", Card(board, "first.mp4").TextContent);
        _ = second;
    }

    [Fact]
    public void Push_StateChange_MovesTheCardToItsNewColumn()
    {
        var task = AddTask("moving.mp4");
        var board = Render<TaskBoard>();
        board.WaitForAssertion(() => Assert.Equal(["moving.mp4"], NamesIn(board, "pending")));

        Updates.Push(TaskSnapshot.Of(task) with { State = TaskState.InProgress, Step = "probe", Progress = 3, StartedAt = Now, Version = task.Version + 1 });

        board.WaitForAssertion(() => Assert.Equal(["moving.mp4"], NamesIn(board, "running")));
        Assert.Empty(NamesIn(board, "pending"));
        Assert.Equal(("0", "1"), (Count(board, "pending"), Count(board, "running")));
    }

    [Fact]
    public void Push_OlderVersionAfterNewer_IsIgnored()
    {
        var task = AddTask("late.mp4");
        var board = Render<TaskBoard>();
        board.WaitForAssertion(() => Assert.Single(NamesIn(board, "pending")));

        Updates.Push(TaskSnapshot.Of(task) with { State = TaskState.Completed, Progress = 100, Version = 9 });
        Updates.Push(TaskSnapshot.Of(task) with { State = TaskState.InProgress, Progress = 60, Version = 7 });

        board.WaitForAssertion(() => Assert.Equal(["late.mp4"], NamesIn(board, "completed")));
        Assert.Empty(NamesIn(board, "running"));
    }

    [Fact]
    public void Push_TaskTheBoardHasNotSeen_AppearsWithoutReload()
    {
        AddTask("old.mp4");
        var board = Render<TaskBoard>();
        board.WaitForAssertion(() => Assert.Single(NamesIn(board, "pending")));
        var fresh = ProcessingTask.Create(TaskKind.Ingestion, NewVideo("fresh.mp4"), "queued after upload", Now.AddSeconds(5));

        Updates.Push(TaskSnapshot.Of(fresh));

        board.WaitForAssertion(() => Assert.Equal(["fresh.mp4", "old.mp4"], NamesIn(board, "pending")));
    }

    [Fact]
    public void RunningCard_ShowsElapsedTimeAndAnEstimateOnceProgressIsMeasured()
    {
        var task = AddTask("timed.mp4", t => t.Start("node", Now));
        var board = Render<TaskBoard>();
        board.WaitForAssertion(() => Assert.Contains("ETA —", Card(board, "timed.mp4").TextContent));

        // 10 % in 2 s: the remaining 70 % takes 14 s at that rate.
        Updates.Push(TaskSnapshot.Of(task) with { Step = "frames", Progress = 20, UpdatedAt = Now, Version = 10 });
        Clock.Advance(TimeSpan.FromSeconds(2));
        Updates.Push(TaskSnapshot.Of(task) with { Step = "frames", Progress = 30, UpdatedAt = Now, Version = 11 });

        board.WaitForAssertion(() => Assert.Contains("running 0:02 · ETA 14 s", Card(board, "timed.mp4").TextContent));
    }

    [Fact]
    public void TextFilter_ShowsOnlyMatchingCards()
    {
        AddTask("beach.mp4");
        AddTask("mountain.mp4");
        var board = Render<TaskBoard>();
        board.WaitForAssertion(() => Assert.Equal(2, NamesIn(board, "pending").Length));

        board.Find("input[data-testid=text-filter]").Input("MOUNT");
        Clock.Advance(TimeSpan.FromMilliseconds(250)); // past the field's debounce, which runs on the injected clock

        board.WaitForAssertion(() => Assert.Equal(["mountain.mp4"], NamesIn(board, "pending")));
        Assert.Equal("1", Count(board, "pending"));
    }

    [Fact]
    public void StalledCard_SaysSo_AndTheStalledFilterKeepsOnlyStalledTasks()
    {
        AddTask("moving.mp4", t => t.Start("node", Now));
        var stuckAt = Now;
        AddTask("stuck.mp4", t => { t.Start("node", stuckAt); t.ReportProgress("transcript", 70, stuckAt); });
        Clock.Advance(TimeSpan.FromMinutes(5));
        using (var db = CreateDb())
        {
            var stuck = db.Tasks.Single(t => t.Video!.OriginalFileName == "stuck.mp4");
            stuck.MarkStalled(stuckAt, Now);
            db.SaveChanges();
        }

        var board = Render<TaskBoard>();

        board.WaitForAssertion(() => Assert.Equal("2", Count(board, "running")));
        var card = Card(board, "stuck.mp4");
        Assert.Equal("true", card.GetAttribute("data-stalled"));
        Assert.StartsWith("stalled: no progress for 5:0", card.QuerySelector("[data-testid=task-stalled]")!.TextContent.Trim());
        Assert.Null(Card(board, "moving.mp4").QuerySelector("[data-testid=task-stalled]"));

        board.Find("input[data-testid=stalled-filter]").Change(true);

        board.WaitForAssertion(() => Assert.Equal(["stuck.mp4"], NamesIn(board, "running")));
        Assert.Empty(NamesIn(board, "pending"));
    }

    [Fact]
    public void Push_ProgressOfAStalledTask_ClearsItsStalledMark()
    {
        var task = AddTask("stuck.mp4", t => { t.Start("node", Now); t.MarkStalled(Now, Now); });
        var board = Render<TaskBoard>();
        board.WaitForAssertion(() => Assert.NotNull(Card(board, "stuck.mp4").QuerySelector("[data-testid=task-stalled]")));

        Updates.Push(TaskSnapshot.Of(task) with { Step = "frames", Progress = 30, StalledSince = null, UpdatedAt = Now, Version = task.Version + 1 });

        board.WaitForAssertion(() => Assert.Null(Card(board, "stuck.mp4").QuerySelector("[data-testid=task-stalled]")));
    }

    private DateTimeOffset Now => Clock.GetUtcNow();

    private ProcessingTask AddTask(string videoName, Action<ProcessingTask>? change = null)
    {
        Clock.Advance(TimeSpan.FromSeconds(1));
        using var db = CreateDb();
        var video = NewVideo(videoName);
        var task = ProcessingTask.Create(TaskKind.Ingestion, video, "queued after upload", Now);
        change?.Invoke(task);
        db.Videos.Add(video);
        db.Tasks.Add(task);
        db.SaveChanges();
        return task;
    }

    private Video NewVideo(string name) => new(Guid.NewGuid(), name, $"videos/{Guid.NewGuid():N}.mp4", 1000, null, VideoSource.Upload, Now);

    private static string Count(IRenderedComponent<TaskBoard> board, string column) =>
        board.Find($"[data-testid=column-{column}] [data-testid=column-count]").TextContent;

    private static string[] NamesIn(IRenderedComponent<TaskBoard> board, string column) =>
        board.FindAll($"[data-testid=column-{column}] [data-testid=task-name]").Select(e => e.TextContent).ToArray();

    private static AngleSharp.Dom.IElement Card(IRenderedComponent<TaskBoard> board, string name) =>
        board.FindAll("[data-testid=task-card]").Single(c => c.QuerySelector("[data-testid=task-name]")!.TextContent == name);
}
