using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Videos;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.Videos;

/// <summary>
/// Chapters from a real ingestion (ffmpeg, tesseract): three slides on one background, a title and a line each, are
/// three chapters named by their titles with the slides' boundaries; a chat model, when configured, names them
/// instead, and one that answers nonsense leaves the titles from the slides.
/// </summary>
public sealed class ChapterIngestionTests : IAsyncLifetime
{
    private static readonly (string Title, string Line, double From, double Until)[] Slides = TestMedia.DeckSlides;

    private readonly TempDirectory _temp = new();
    private readonly List<IAsyncDisposable> _owned = [];
    private string _video = "";

    public async Task InitializeAsync() => _video = await TestMedia.DeckVideoAsync();

    [Fact]
    public async Task ThreeSlides_AreThreeChapters_WithTheSlidesTitlesAndBoundaries()
    {
        var (host, videoId) = await IngestAsync("offline", []);

        await using var db = await host.DbAsync();
        var chapters = await Chapters.ForVideoAsync(db, videoId, new(), CancellationToken.None);

        Assert.NotNull(chapters);
        Assert.Equal(Slides.Select(s => s.Title), chapters.Select(c => c.Title));
        Assert.All(chapters, c => Assert.Equal(ChapterTitleSource.ScreenText, c.TitleSource));
        for (var i = 0; i < Slides.Length; i++)
        {
            Assert.InRange(chapters[i].StartSeconds, Slides[i].From - 1, Slides[i].From + 1);
            Assert.InRange(chapters[i].EndSeconds, Slides[i].Until - 1, Slides[i].Until + 1);
        }

        // Stored by the ingestion (not planned on reading), in order, and the step says how many.
        Assert.Equal([0, 1, 2], await db.Chapters.Where(c => c.VideoId == videoId).OrderBy(c => c.Index).Select(c => c.Index).ToListAsync());
        Assert.Equal("3 chapters", (await StepAsync(db, videoId)).Detail);
    }

    [Fact]
    public async Task WithAChatModel_ItTitlesAndSummarisesEachChapter_FromTheirText()
    {
        var chat = await FakeOpenAiServer.StartAsync();
        _owned.Add(chat);
        chat.Always(FakeReply.Json(FakeOpenAiServer.ChatAnswer("""
            ```json
            [{"title": "Results by region", "summary": "Revenue grew everywhere."},
             {"title": "Who we hire", "summary": "Twelve engineers."},
             {"title": "Q&A", "summary": "Closing questions."}]
            ```
            """)));

        var (host, videoId) = await IngestAsync("chat", ChatAt(chat));

        await using var db = await host.DbAsync();
        var chapters = await db.Chapters.Where(c => c.VideoId == videoId).OrderBy(c => c.Index).ToListAsync();
        Assert.Equal([("Results by region", "Revenue grew everywhere."), ("Who we hire", "Twelve engineers."), ("Q&A", "Closing questions.")],
            chapters.Select(c => (c.Title, c.Summary)));
        Assert.All(chapters, c => Assert.Equal(ChapterTitleSource.Model, c.TitleSource));
        var asked = Assert.Single(chat.Requests, r => r.Path == "/v1/chat/completions").Json.GetProperty("messages")[1].GetProperty("content").GetString()!;
        Assert.Contains("Chapter 2", asked);
        Assert.Contains("Hiring plan", asked);
    }

    [Fact]
    public async Task AChatModelThatAnswersNonsense_LeavesTheTitlesFromTheSlides_AndTheStepSaysWhy()
    {
        var chat = await FakeOpenAiServer.StartAsync();
        _owned.Add(chat);
        chat.Always(FakeReply.Json(FakeOpenAiServer.ChatAnswer("Sure! Chapter one is about results.")));

        var (host, videoId) = await IngestAsync("nonsense", ChatAt(chat));

        await using var db = await host.DbAsync();
        var chapters = await db.Chapters.Where(c => c.VideoId == videoId).OrderBy(c => c.Index).ToListAsync();
        Assert.Equal(Slides.Select(s => s.Title), chapters.Select(c => c.Title));
        var step = await StepAsync(db, videoId);
        Assert.Equal(StepState.Completed, step.State);
        Assert.Contains("the chat model could not name them: its answer held no JSON array", step.Detail);
    }

    public async Task DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync();
        }

        _temp.Dispose();
    }

    private static Dictionary<string, string?> ChatAt(FakeOpenAiServer chat) => new()
    {
        ["Intelligence:Chat:Endpoint"] = chat.Endpoint,
        ["Intelligence:Chat:Model"] = "fake",
        ["Intelligence:Chat:ApiKey"] = "test-key",
        // Only the chapters ask the model here.
        ["Intelligence:Chat:CaptionFrames"] = "false",
    };

    private static Task<TaskStep> StepAsync(VaasDbContext db, Guid videoId) =>
        db.TaskSteps.SingleAsync(s => s.Name == "chapters" && db.Tasks.Any(t => t.Id == s.TaskId && t.VideoId == videoId));

    private async Task<(ProcessingHost Host, Guid VideoId)> IngestAsync(string name, Dictionary<string, string?> settings)
    {
        var host = await ProcessingHost.StartAsync(_temp.Combine(name), settings);
        _owned.Add(host);
        var incoming = host.Storage.NewIncomingPath();
        File.Copy(_video, incoming);
        var imported = await host.Get<VideoImporter>().ImportUploadAsync(incoming, "deck.mp4", new FileInfo(incoming).Length, "x", autoStart: true, null, CancellationToken.None);
        var done = await host.Events.WaitForFinishAsync(imported.Task!.Id, TimeSpan.FromMinutes(2));
        Assert.True(done.State == TaskState.Completed, $"{done.State}: {done.ErrorCode} {done.ErrorMessage}");
        return (host, imported.Video.Id);
    }
}
