namespace VaasWeb.Processing.Videos;

/// <summary>Where a chapter's title came from.</summary>
public enum ChapterTitleSource
{
    /// <summary>The first line of the text shown on screen (a slide's title).</summary>
    ScreenText,

    /// <summary>The first words spoken in the chapter.</summary>
    Speech,

    /// <summary>Written by the configured chat model from the chapter's text.</summary>
    Model,

    /// <summary>Nothing to name it by: "Chapter N".</summary>
    None,
}

/// <summary>
/// One chapter of a video over [Start, End): a stretch with one picture or one slide, named by its on-screen title or
/// its first words. Written by the ingestion's chapters step; the chapters of a video cover it without gaps.
/// </summary>
public sealed class Chapter(Guid videoId, int index, double startSeconds, double endSeconds, string title, ChapterTitleSource titleSource)
{
    public const int MaxTitleLength = 200;
    public const int MaxSummaryLength = 1000;

    public long Id { get; private set; }
    public Guid VideoId { get; private set; } = videoId;

    /// <summary>0 for the first chapter.</summary>
    public int Index { get; private set; } = index;

    public double StartSeconds { get; private set; } = startSeconds;
    public double EndSeconds { get; private set; } = endSeconds;
    public string Title { get; private set; } = title;
    public ChapterTitleSource TitleSource { get; private set; } = titleSource;

    /// <summary>A sentence or two from the chat model; null without one.</summary>
    public string? Summary { get; init; }
}
