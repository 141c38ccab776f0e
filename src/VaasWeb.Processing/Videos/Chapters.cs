using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Intelligence;
using VaasWeb.Processing.Search;

namespace VaasWeb.Processing.Videos;

/// <summary>A video's chapters as the API, the video page and players read them.</summary>
public static class Chapters
{
    /// <summary>
    /// The stored chapters, in order; for a video ingested before chapters existed, planned now from its frames and
    /// text (not stored: a re-run writes them). Null when there is no such video.
    /// </summary>
    public static async Task<IReadOnlyList<Chapter>?> ForVideoAsync(VaasDbContext db, Guid videoId, IntelligenceOptions options, CancellationToken cancellationToken)
    {
        var video = await db.Videos.AsNoTracking().Where(v => v.Id == videoId).Select(v => new { v.DurationSeconds }).FirstOrDefaultAsync(cancellationToken);
        if (video is null)
        {
            return null;
        }

        var stored = await db.Chapters.AsNoTracking().Where(c => c.VideoId == videoId).OrderBy(c => c.Index).ToListAsync(cancellationToken);
        if (stored.Count > 0)
        {
            return stored;
        }

        var frames = await db.Frames.AsNoTracking().Where(f => f.VideoId == videoId).OrderBy(f => f.Index).ToListAsync(cancellationToken);
        if (frames.Count == 0)
        {
            return [];
        }

        var text = await db.TextSegments.AsNoTracking()
            .Where(s => s.VideoId == videoId && (s.Source == TextSource.ScreenText || s.Source == TextSource.Speech))
            .OrderBy(s => s.StartSeconds).ThenBy(s => s.Id)
            .ToListAsync(cancellationToken);
        var duration = video.DurationSeconds ?? 0;
        return Plan(videoId, frames, text, duration, options)
            .Select((c, i) => new Chapter(videoId, i, c.StartSeconds, c.EndSeconds, c.Title, c.TitleSource))
            .ToArray();
    }

    /// <summary>The chapters the video's frames and text make, with the configured minimum length and merge similarity.</summary>
    public static IReadOnlyList<PlannedChapter> Plan(Guid videoId, IReadOnlyList<Frame> frames, IReadOnlyList<TextSegment> text, double durationSeconds, IntelligenceOptions options) =>
        ChapterPlanner.Plan(
            DistinctFrames.Of(frames, durationSeconds),
            text.Where(s => s.VideoId == videoId && s.Source == TextSource.ScreenText).ToArray(),
            text.Where(s => s.VideoId == videoId && s.Source == TextSource.Speech).ToArray(),
            durationSeconds,
            options.Chapters.MinSeconds,
            options.Ocr.MergeSimilarity);

    /// <summary>WebVTT chapters (<c>&lt;track kind="chapters"&gt;</c>): one cue per chapter, its title as the text.</summary>
    public static string ToWebVtt(IReadOnlyList<Chapter> chapters) =>
        Subtitles.ToWebVtt(chapters.Select(c => new SubtitleCue(c.StartSeconds, c.EndSeconds, [c.Title])).ToArray());
}
