using Bunit;
using VaasWeb.Components.Pages.TaskBoard;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Videos;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.Components;

public class TaskBoardTests : ComponentTestContext
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Render_NoTasks_SaysHowToStart()
    {
        var board = Render<TaskBoard>();

        board.WaitForAssertion(() => Assert.Contains("No tasks yet", board.Find("[data-testid=empty-board]").TextContent));
        Assert.Contains("upload-video", board.Markup);
    }

    [Fact]
    public void Render_StoredTask_ShowsItsVideoAndStatus()
    {
        var task = AddTask("beach.mp4");

        var board = Render<TaskBoard>();

        board.WaitForAssertion(() => Assert.Contains("beach.mp4", board.Find("[data-testid=task-table]").TextContent));
        Assert.Equal("pending", board.Find("[data-testid=task-state]").TextContent.Trim());
        Assert.Equal(task.Id.ToString(), board.Find("[data-task-id]").GetAttribute("data-task-id"));
    }

    [Fact]
    public void Push_ProgressOfAShownTask_UpdatesItsRowWithoutReload()
    {
        var task = AddTask("beach.mp4");
        var board = Render<TaskBoard>();
        board.WaitForAssertion(() => Assert.Contains("beach.mp4", board.Markup));

        Updates.Push(TaskSnapshot.Of(task) with { State = TaskState.InProgress, Step = "frames", Progress = 40, Version = 5 });

        board.WaitForAssertion(() => Assert.Equal("running", board.Find("[data-testid=task-state]").TextContent.Trim()));
        Assert.Contains("40%", board.Markup);
        Assert.Contains("frames", board.Markup);
    }

    [Fact]
    public void Push_OlderVersionAfterNewer_IsIgnored()
    {
        var task = AddTask("beach.mp4");
        var board = Render<TaskBoard>();
        board.WaitForAssertion(() => Assert.Contains("beach.mp4", board.Markup));

        Updates.Push(TaskSnapshot.Of(task) with { State = TaskState.Completed, Progress = 100, Version = 9 });
        Updates.Push(TaskSnapshot.Of(task) with { State = TaskState.InProgress, Progress = 60, Version = 7 });

        board.WaitForAssertion(() => Assert.Equal("completed", board.Find("[data-testid=task-state]").TextContent.Trim()));
    }

    [Fact]
    public async Task Dispose_Board_StopsListening()
    {
        Render<TaskBoard>();
        Assert.Equal(1, Updates.SubscriberCount);

        await DisposeComponentsAsync();

        Assert.Equal(0, Updates.SubscriberCount);
    }

    private ProcessingTask AddTask(string videoName)
    {
        using var db = CreateDb();
        var video = new Video(Guid.NewGuid(), videoName, $"videos/{Guid.NewGuid():N}.mp4", 1000, null, VideoSource.Upload, T0);
        var task = ProcessingTask.Create(TaskKind.Ingestion, video, "queued after upload", T0);
        db.Videos.Add(video);
        db.Tasks.Add(task);
        db.SaveChanges();
        return task;
    }
}
