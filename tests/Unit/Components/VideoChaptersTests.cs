using Bunit;
using VaasWeb.Components.Pages.Videos;
using VaasWeb.Processing.Videos;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.Components;

[Trait("Category", "Fast")]
public class VideoChaptersTests : ComponentTestContext
{
    private static readonly Guid VideoId = Guid.NewGuid();

    [Fact]
    public void Chapters_AreButtonsWithTimeTitleAndSummary_AndAClickSeeksToTheStart()
    {
        var longTitle = string.Join(' ', Enumerable.Repeat("Sustainability", 14));
        var seeks = new List<double>();
        var list = Render<VideoChapters>(p => p
            .Add(c => c.Chapters, [
                new Chapter(VideoId, 0, 0, 65, "Welcome", ChapterTitleSource.Speech),
                new Chapter(VideoId, 1, 65, 3725, longTitle, ChapterTitleSource.Model) { Summary = "How the plant cut its water use by a third." },
            ])
            .Add(c => c.OnSeek, seconds => seeks.Add(seconds)));

        var chapters = list.FindAll("[data-testid=chapter]");
        Assert.Equal(["0:00", "1:05"], chapters.Select(c => c.QuerySelector(".chapter-time")!.TextContent));
        Assert.Equal(longTitle, chapters[1].QuerySelector(".chapter-title")!.TextContent);
        Assert.Equal("How the plant cut its water use by a third.", chapters[1].QuerySelector(".chapter-summary")!.TextContent);
        Assert.Null(chapters[0].QuerySelector(".chapter-summary"));
        Assert.Equal("65", chapters[1].GetAttribute("data-start"));
        Assert.Equal("Chapters", list.Find("nav").GetAttribute("aria-label"));

        chapters[1].Click();

        Assert.Equal([65.0], seeks);
    }

    [Fact]
    public void OneChapter_TheWholeVideo_IsNoList()
    {
        var list = Render<VideoChapters>(p => p.Add(c => c.Chapters, [new Chapter(VideoId, 0, 0, 30, "Chapter 1", ChapterTitleSource.None)]));

        Assert.Empty(list.FindAll("[data-testid=chapters]"));
    }
}
