using System.Text.RegularExpressions;
using VaasWeb.Processing.Intelligence;
using VaasWeb.Processing.Search;

namespace VaasWeb.Processing.Videos;

/// <summary>A chapter before it is stored: its span, its title and where the title came from.</summary>
public sealed record PlannedChapter(double StartSeconds, double EndSeconds, string Title, ChapterTitleSource TitleSource)
{
    /// <summary>The on-screen text the chapter shows most (the whole slide), for a chat model to name it from.</summary>
    public string? ScreenText { get; init; }
}

/// <summary>
/// Cuts a video into chapters from what ingestion found, offline: a picture that holds for at least the minimum
/// length (a slide, a still scene) or on-screen text that does (a title over moving video) starts a chapter;
/// moving pictures in between belong to the chapter before them. Each chapter is named by the first line of the
/// on-screen text it shows longest, else by the first words spoken in it.
/// </summary>
public static partial class ChapterPlanner
{
    /// <summary>Titles are one line; a longer first line is cut at a word.</summary>
    public const int MaxTitleCharacters = 80;

    private const int SpokenTitleWords = 8;

    public static IReadOnlyList<PlannedChapter> Plan(
        IReadOnlyList<DistinctFrame> pictures,
        IReadOnlyList<TextSegment> screenText,
        IReadOnlyList<TextSegment> speech,
        double durationSeconds,
        double minChapterSeconds,
        double mergeSimilarity)
    {
        var end = Math.Max(durationSeconds, pictures.Count == 0 ? 0 : pictures[^1].EndSeconds);
        if (end <= 0)
        {
            return [];
        }

        var starts = pictures.Where(p => p.EndSeconds - p.Frame.TimestampSeconds >= minChapterSeconds).Select(p => p.Frame.TimestampSeconds)
            .Concat(screenText.Where(s => s.EndSeconds - s.StartSeconds >= minChapterSeconds).Select(s => s.StartSeconds))
            .Where(s => s > 0 && s < end)
            .Order()
            .ToList();
        var spans = new List<(double Start, double End)>();
        var current = 0.0;
        foreach (var start in starts)
        {
            // Two signs of one change (the picture and its text) a frame apart, or a flicker, are one boundary.
            if (start - current >= minChapterSeconds && end - start >= minChapterSeconds)
            {
                spans.Add((current, start));
                current = start;
            }
        }

        spans.Add((current, end));

        var cues = Subtitles.Cues(speech);
        var chapters = new List<PlannedChapter>();
        foreach (var (start, until) in spans)
        {
            var shown = MostShown(screenText, start, until);
            if (chapters.Count > 0 && shown is not null && chapters[^1].ScreenText is { } before && TextSimilarity.Of(before, shown.Text) >= mergeSimilarity)
            {
                // The same slide again after a cut-away that was long enough to count: one chapter.
                chapters[^1] = chapters[^1] with { EndSeconds = until };
                continue;
            }

            chapters.Add(Name(start, until, shown, cues, chapters.Count + 1));
        }

        return chapters;
    }

    private static PlannedChapter Name(double start, double until, TextSegment? shown, IReadOnlyList<SubtitleCue> cues, int number)
    {
        if (shown is not null && FirstLine(shown.Text) is { Length: > 0 } line)
        {
            return new PlannedChapter(start, until, Shorten(line), ChapterTitleSource.ScreenText) { ScreenText = shown.Text };
        }

        var words = cues.Where(c => c.StartSeconds >= start && c.StartSeconds < until)
            .SelectMany(c => c.Lines)
            .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Take(SpokenTitleWords + 1)
            .ToArray();
        if (words.Length > 0)
        {
            var title = string.Join(' ', words.Take(SpokenTitleWords));
            return new PlannedChapter(start, until, Shorten(words.Length > SpokenTitleWords ? title + "…" : title), ChapterTitleSource.Speech);
        }

        return new PlannedChapter(start, until, $"Chapter {number}", ChapterTitleSource.None);
    }

    /// <summary>The on-screen text overlapping [start, until) the longest, if any.</summary>
    private static TextSegment? MostShown(IReadOnlyList<TextSegment> screenText, double start, double until) =>
        screenText
            .Select(s => (Segment: s, Overlap: Math.Min(s.EndSeconds, until) - Math.Max(s.StartSeconds, start)))
            .Where(x => x.Overlap > 0)
            .OrderByDescending(x => x.Overlap)
            .ThenBy(x => x.Segment.StartSeconds)
            .Select(x => x.Segment)
            .FirstOrDefault();

    private static string FirstLine(string text) =>
        text.Split('\n').Select(l => Spaces().Replace(l, " ").Trim()).FirstOrDefault(l => l.Length > 0) ?? "";

    /// <summary>At most <see cref="MaxTitleCharacters"/>, cut after a whole word, marked with an ellipsis.</summary>
    internal static string Shorten(string title)
    {
        if (title.Length <= MaxTitleCharacters)
        {
            return title;
        }

        var cut = title.LastIndexOf(' ', MaxTitleCharacters - 1);
        return title[..(cut > MaxTitleCharacters / 2 ? cut : MaxTitleCharacters - 1)].TrimEnd() + "…";
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
