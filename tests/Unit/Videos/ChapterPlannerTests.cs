using VaasWeb.Processing.Ingestion.Steps;
using VaasWeb.Processing.Search;
using VaasWeb.Processing.Videos;

namespace VaasWeb.Tests.Unit.Videos;

/// <summary>How frames and text become chapters, and how a chat model's names are read, without ffmpeg.</summary>
[Trait("Category", "Fast")]
public sealed class ChapterPlannerTests
{
    private static readonly Guid VideoId = Guid.NewGuid();

    [Fact]
    public void ThreeSlides_AreThreeChapters_NamedByTheirFirstLine()
    {
        var pictures = Pictures((0, 5), (5, 10), (10, 15));
        var screen = new[]
        {
            Screen(0, 5, "Quarterly results\nRevenue grew in every region"),
            Screen(5, 10, "Hiring plan\nTwelve engineers by spring"),
            Screen(10, 15, "  Questions   and answers "),
        };

        var chapters = Plan(pictures, screen, [], 15);

        Assert.Equal([(0.0, 5.0), (5.0, 10.0), (10.0, 15.0)], chapters.Select(c => (c.StartSeconds, c.EndSeconds)));
        Assert.Equal(["Quarterly results", "Hiring plan", "Questions and answers"], chapters.Select(c => c.Title));
        Assert.All(chapters, c => Assert.Equal(ChapterTitleSource.ScreenText, c.TitleSource));
    }

    [Fact]
    public void MovingPictures_DoNotStartChapters_AndAreNamedByTheFirstWordsSpoken()
    {
        // A new picture every second (camera footage): no picture holds for the minimum length.
        var pictures = Pictures([.. Enumerable.Range(0, 20).Select(i => ((double)i, i + 1.0))]);
        var speech = new[] { Speech(2, 6, "welcome everyone to the launch of our brand new boat today") };

        var chapter = Assert.Single(Plan(pictures, [], speech, 20));

        Assert.Equal((0.0, 20.0), (chapter.StartSeconds, chapter.EndSeconds));
        Assert.Equal("welcome everyone to the launch of our brand…", chapter.Title);
        Assert.Equal(ChapterTitleSource.Speech, chapter.TitleSource);
    }

    [Fact]
    public void WithNothingToNameItBy_AChapterIsNumbered()
    {
        var chapters = Plan(Pictures((0, 6), (6, 12)), [], [], 12);

        Assert.Equal(["Chapter 1", "Chapter 2"], chapters.Select(c => c.Title));
        Assert.All(chapters, c => Assert.Equal(ChapterTitleSource.None, c.TitleSource));
    }

    [Fact]
    public void AFlickerShorterThanTheMinimum_DoesNotCut_AndTheSameSlideAfterACutAwayStaysOneChapter()
    {
        // Slide A, a 1 s flash, A again until 12; moving footage 12–20; A once more 20–30.
        var pictures = Pictures([(0, 6), (6, 7), (7, 12), .. Enumerable.Range(12, 8).Select(i => ((double)i, i + 1.0)), (20, 30)]);
        var screen = new[] { Screen(0, 6, "Agenda"), Screen(7, 12, "Agenda"), Screen(20, 30, "Agenda") };

        var chapter = Assert.Single(Plan(pictures, screen, [], 30));

        Assert.Equal((0.0, 30.0, "Agenda"), (chapter.StartSeconds, chapter.EndSeconds, chapter.Title));
    }

    [Fact]
    public void ATitleOverMovingPictures_StartsAChapter()
    {
        var pictures = Pictures([.. Enumerable.Range(0, 30).Select(i => ((double)i, i + 1.0))]);
        var screen = new[] { Screen(10, 18, "Part two: the harbour") };

        var chapters = Plan(pictures, screen, [Speech(1, 4, "good morning")], 30);

        Assert.Equal([(0.0, 10.0, "good morning"), (10.0, 30.0, "Part two: the harbour")], chapters.Select(c => (c.StartSeconds, c.EndSeconds, c.Title)));
    }

    [Fact]
    public void ALongFirstLine_IsCutAfterAWord()
    {
        var line = string.Join(' ', Enumerable.Repeat("Sustainability", 12));

        var title = Assert.Single(Plan(Pictures((0, 10)), [Screen(0, 10, line)], [], 10)).Title;

        Assert.True(title.Length <= ChapterPlanner.MaxTitleCharacters, title);
        Assert.EndsWith("Sustainability…", title);
    }

    [Fact]
    public void ChatNames_InACodeFence_AreRead()
    {
        var names = ChaptersStep.ParseNames("""
            Here you go:
            ```json
            [{"title": "Results", "summary": "Revenue grew."}, {"title": "Hiring", "summary": null}]
            ```
            """, expected: 2);

        Assert.Equal([("Results", "Revenue grew."), ("Hiring", null)], names.Select(n => (n.Title, n.Summary)));
    }

    [Theory]
    [InlineData("I cannot help with that.", "no JSON array")]
    [InlineData("""[{"title": "Only one"}]""", "named 1 chapters, not 2")]
    [InlineData("""[{"title": "A"}, {"title": " "}]""", "without a title")]
    [InlineData("""[{"title": "A"}, {"title": ]""", "not valid JSON")]
    public void ChatNames_ThatAreNotOnePerChapter_AreRefusedSayingWhy(string answer, string reason)
    {
        var error = Assert.Throws<FormatException>(() => ChaptersStep.ParseNames(answer, expected: 2));

        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void TheChatModelReads_EachChaptersSpanScreenTextAndSpeech()
    {
        var chapters = Plan(Pictures((0, 5), (5, 10)), [Screen(0, 5, "Results"), Screen(5, 10, "Hiring")], [], 10);

        var prompt = ChaptersStep.Describe(chapters, Subtitles.Cues([Speech(6, 8, "we hire twelve people")]));

        Assert.Contains("Chapter 1 (0 s to 5 s)\nOn screen: Results\nSpoken: (nothing)", prompt);
        Assert.Contains("Chapter 2 (5 s to 10 s)\nOn screen: Hiring\nSpoken: we hire twelve people", prompt);
    }

    private static IReadOnlyList<PlannedChapter> Plan(IReadOnlyList<DistinctFrame> pictures, IReadOnlyList<TextSegment> screen, IReadOnlyList<TextSegment> speech, double duration) =>
        ChapterPlanner.Plan(pictures, screen, speech, duration, minChapterSeconds: 4, mergeSimilarity: 0.8);

    private static DistinctFrame[] Pictures(params (double Start, double End)[] spans) =>
        [.. spans.Select((s, i) => new DistinctFrame(new Frame(VideoId, i, s.Start, $"frames/{i:000000}.jpg", 64, 36) { Group = i }, s.End))];

    private static TextSegment Screen(double start, double end, string text) => new(VideoId, TextSource.ScreenText, start, end, text);

    private static TextSegment Speech(double start, double end, string text) => new(VideoId, TextSource.Speech, start, end, text);
}
