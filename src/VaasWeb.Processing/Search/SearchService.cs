using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Clips;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Intelligence;
using VaasWeb.Processing.Media;
using VaasWeb.Processing.Videos;

namespace VaasWeb.Processing.Search;

/// <summary>A place in a video that matches a search: where, what was found there, and the clip around it.</summary>
/// <param name="MomentSeconds">Where to start playing: just before the first matching word is said (speech), else the start.</param>
public sealed record SearchHit(
    Guid VideoId,
    string VideoName,
    HitSource Source,
    double StartSeconds,
    double EndSeconds,
    string Text,
    string HighlightedHtml,
    double Score,
    string? FramePath,
    double ClipStartSeconds,
    double ClipEndSeconds,
    double MomentSeconds);

/// <summary>What a hit was found in; <see cref="Picture"/> is a match by image.</summary>
public enum HitSource
{
    Speech,
    ScreenText,
    Caption,
    Picture,
}

/// <summary>
/// Which rankings a search by words fuses. People always get <see cref="Fused"/>; the other two are there to measure
/// what each ranking contributes (the quality benchmark and its test).
/// </summary>
public enum TextRanking
{
    /// <summary>Full-text (BM25) fused with ranking by meaning when embeddings are on.</summary>
    Fused,

    /// <summary>Full-text matches alone.</summary>
    WordsOnly,

    /// <summary>Ranking by meaning alone; nothing when embeddings are off.</summary>
    MeaningOnly,
}

/// <summary>Hits, best first, and anything the person should know about how they were ranked.</summary>
public sealed record SearchResult(IReadOnlyList<SearchHit> Hits, string? Notice = null);

/// <summary>
/// Search across ingested videos: by words (full-text BM25, fused with ranking by meaning when embeddings are
/// configured) and by picture (perceptual hashes of the sampled frames).
/// </summary>
public sealed class SearchService(
    ITextIndex index,
    IDbContextFactory<VaasDbContext> dbFactory,
    IEmbedder embedder,
    VectorIndex vectors,
    IMediaTool media,
    ClipPlanner clips,
    IOptions<IntelligenceOptions> options,
    ILogger<SearchService> logger)
{
    public const int MaxLimit = 100;

    /// <summary>Reciprocal-rank fusion constant: how quickly lower ranks stop counting.</summary>
    private const double FusionK = 60;

    public Task<SearchResult> SearchTextAsync(string query, Guid? videoId, int limit, CancellationToken cancellationToken) =>
        SearchTextAsync(query, videoId, limit, TextRanking.Fused, cancellationToken);

    public async Task<SearchResult> SearchTextAsync(string query, Guid? videoId, int limit, TextRanking ranking, CancellationToken cancellationToken)
    {
        limit = Math.Clamp(limit, 1, MaxLimit);
        var matches = ranking == TextRanking.MeaningOnly ? [] : await index.SearchAsync(query, videoId, limit * 2, cancellationToken);
        var marked = matches.ToDictionary(m => m.SegmentId, m => m.MarkedText);
        var scores = new Dictionary<long, double>();
        for (var rank = 0; rank < matches.Count; rank++)
        {
            scores[matches[rank].SegmentId] = 1 / (FusionK + rank + 1);
        }

        string? notice = null;
        if (ranking != TextRanking.WordsOnly && options.Value.Embeddings.IsOn && !string.IsNullOrWhiteSpace(query))
        {
            try
            {
                var byMeaning = await RankByMeaningAsync(query, videoId, limit * 2, cancellationToken);
                for (var rank = 0; rank < byMeaning.Count; rank++)
                {
                    scores[byMeaning[rank]] = scores.GetValueOrDefault(byMeaning[rank]) + 1 / (FusionK + rank + 1);
                }
            }
            catch (ProviderException e)
            {
                // Words still find things when the embeddings server is down.
                logger.LogWarning(e, "Ranking by meaning failed; showing word matches only");
                notice = $"Ranking by meaning is unavailable right now ({e.Message}); these are word matches only.";
            }
        }

        var ranked = scores.OrderByDescending(s => s.Value).Take(limit).ToArray();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var ids = ranked.Select(r => r.Key).ToArray();
        var segments = await db.TextSegments.AsNoTracking().Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, cancellationToken);
        var videos = await VideosAsync(db, segments.Values.Select(s => s.VideoId), cancellationToken);
        var hits = new List<SearchHit>();
        foreach (var (id, score) in ranked)
        {
            if (!segments.TryGetValue(id, out var segment) || !videos.TryGetValue(segment.VideoId, out var video))
            {
                continue; // re-ingested since the index was read
            }

            var source = (HitSource)segment.Source;
            var (clipStart, clipEnd) = await clips.SpanAsync(db, video, source, segment.StartSeconds, segment.EndSeconds, cancellationToken);
            var markedText = marked.GetValueOrDefault(id);
            hits.Add(new SearchHit(video.Id, video.OriginalFileName, source, segment.StartSeconds, segment.EndSeconds, segment.Text,
                Highlight(markedText ?? segment.Text), Math.Round(score, 6),
                await FramePathAsync(db, segment, cancellationToken), clipStart, clipEnd, MomentOf(segment, markedText)));
        }

        return new SearchResult(hits, notice);
    }

    /// <summary>
    /// The sampled frames that look most like the picture, closest first (a screenshot from a video finds that
    /// moment). The 64-bit hashes of all frames pick the candidates; their 16×16 fingerprints rank them, which
    /// tells apart frames of one scene that differ only in a detail.
    /// </summary>
    public async Task<SearchResult> SearchImageAsync(string imagePath, Guid? videoId, int limit, CancellationToken cancellationToken)
    {
        limit = Math.Clamp(limit, 1, MaxLimit);
        var picture = await media.FingerprintAsync(imagePath, cancellationToken);
        var hash = picture.Hash();
        var compact = picture.Compact();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var frames = db.Frames.AsNoTracking().Where(f => f.Hash != null);
        if (videoId is { } id)
        {
            frames = frames.Where(f => f.VideoId == id);
        }

        var candidateIds = (await frames.Select(f => new { f.Id, Hash = f.Hash!.Value }).ToListAsync(cancellationToken))
            .Select(f => (f.Id, Distance: PerceptualHash.Distance(hash, f.Hash)))
            .Where(f => f.Distance <= MaxPictureDistance)
            .OrderBy(f => f.Distance)
            .Take(MaxCandidates)
            .Select(f => f.Id)
            .ToArray();
        var candidates = await db.Frames.AsNoTracking().Where(f => candidateIds.Contains(f.Id))
            .Select(f => new { f.VideoId, f.TimestampSeconds, f.Path, f.Fingerprint }).ToListAsync(cancellationToken);
        var closest = candidates
            .Select(f => (Frame: f, Difference: f.Fingerprint is null ? int.MaxValue : PictureFingerprint.Difference(compact, f.Fingerprint)))
            .OrderBy(f => f.Difference).ThenBy(f => f.Frame.TimestampSeconds)
            .Take(limit)
            .ToArray();
        var videos = await VideosAsync(db, closest.Select(c => c.Frame.VideoId), cancellationToken);
        var hits = new List<SearchHit>();
        foreach (var (frame, difference) in closest)
        {
            var video = videos[frame.VideoId];
            var (clipStart, clipEnd) = await clips.SpanAsync(db, video, HitSource.Picture, frame.TimestampSeconds, frame.TimestampSeconds, cancellationToken);
            // Mean grey-level difference per pixel, as a percentage of alikeness.
            var alike = Math.Max(0, 100 - difference / (double)compact.Length / 2.55);
            var label = $"{alike:0}% alike";
            hits.Add(new SearchHit(video.Id, video.OriginalFileName, HitSource.Picture, frame.TimestampSeconds, frame.TimestampSeconds, label,
                WebUtility.HtmlEncode(label), Math.Round(alike / 100, 4), frame.Path, clipStart, clipEnd, frame.TimestampSeconds));
        }

        return new SearchResult(hits, hits.Count == 0 ? "No sampled frame looks like this picture." : null);
    }

    /// <summary>How many frames, closest by hash, are ranked by their fingerprints.</summary>
    private const int MaxCandidates = 2000;

    /// <summary>Beyond this many differing bits of 64 two pictures are unrelated (random pictures differ in about 32).</summary>
    public const int MaxPictureDistance = 20;

    private async Task<IReadOnlyList<long>> RankByMeaningAsync(string query, Guid? videoId, int limit, CancellationToken cancellationToken)
    {
        var target = (await embedder.EmbedAsync([query], cancellationToken))[0];
        return await vectors.NearestAsync(target, videoId, limit, options.Value.Embeddings.MinSimilarity, cancellationToken);
    }

    /// <summary>Playing starts this long before the matching word, so it is heard from its beginning.</summary>
    private const double WordLeadSeconds = 0.3;

    /// <summary>
    /// Where a hit should start playing. On-screen text and captions are there for the whole segment: its start. A
    /// spoken utterance can run for seconds before the word that matched: just before that word.
    /// </summary>
    internal static double MomentOf(TextSegment segment, string? markedText)
    {
        if (segment.Source != TextSource.Speech || markedText?.IndexOf(ITextIndex.MatchStart) is not (> 0 and var at))
        {
            return segment.StartSeconds;
        }

        var before = markedText[..at].Replace(ITextIndex.MatchEnd.ToString(), "", StringComparison.Ordinal);
        var wordIndex = before.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length - (before.EndsWith(' ') || before.Length == 0 ? 0 : 1);
        var moment = segment.MomentOfWord(Math.Max(0, wordIndex));
        return Math.Round(Math.Max(segment.StartSeconds, moment - WordLeadSeconds), 3);
    }

    /// <summary>The index's match marks as &lt;mark&gt;, everything else HTML-encoded: safe to render as is.</summary>
    public static string Highlight(string marked)
    {
        var html = new StringBuilder();
        var inside = false;
        var start = 0;
        for (var i = 0; i <= marked.Length; i++)
        {
            if (i < marked.Length && marked[i] is not (ITextIndex.MatchStart or ITextIndex.MatchEnd))
            {
                continue;
            }

            var text = WebUtility.HtmlEncode(marked[start..i]);
            html.Append(inside && text.Length > 0 ? $"<mark>{text}</mark>" : text);
            inside = i < marked.Length && marked[i] == ITextIndex.MatchStart;
            start = i + 1;
        }

        return html.ToString();
    }

    private static async Task<Dictionary<Guid, Video>> VideosAsync(VaasDbContext db, IEnumerable<Guid> ids, CancellationToken cancellationToken)
    {
        var wanted = ids.Distinct().ToArray();
        return await db.Videos.AsNoTracking().Where(v => wanted.Contains(v.Id)).ToDictionaryAsync(v => v.Id, cancellationToken);
    }

    /// <summary>The picture to show with a hit: its own frame, or the frame on screen when the words were said.</summary>
    private static async Task<string?> FramePathAsync(VaasDbContext db, TextSegment segment, CancellationToken cancellationToken)
    {
        if (segment.FrameId is { } frameId)
        {
            return await db.Frames.Where(f => f.Id == frameId).Select(f => f.Path).FirstOrDefaultAsync(cancellationToken);
        }

        return await db.Frames.Where(f => f.VideoId == segment.VideoId && f.TimestampSeconds <= segment.StartSeconds + 0.001)
                   .OrderByDescending(f => f.TimestampSeconds).Select(f => f.Path).FirstOrDefaultAsync(cancellationToken)
               ?? await db.Frames.Where(f => f.VideoId == segment.VideoId).OrderBy(f => f.TimestampSeconds).Select(f => f.Path).FirstOrDefaultAsync(cancellationToken);
    }
}
