using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Intelligence;
using VaasWeb.Processing.Search;
using VaasWeb.Processing.Storage;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Videos;

namespace VaasWeb.SearchEvaluation;

/// <summary>Where a query's first right hit came, in one ranking; null when none of the hits asked for was right.</summary>
public sealed record QueryOutcome(EvaluationQuery Query, TextRanking Ranking, int? Rank, string? TopHit);

/// <summary>Recall at 1 and 5 and the mean reciprocal rank of a kind of query in one ranking.</summary>
public sealed record KindScore(int Queries, double RecallAt1, double RecallAt5, double MeanReciprocalRank);

/// <summary>An indexed on-screen text segment, and whether it is noise.</summary>
public sealed record ScreenTextReading(string Video, double StartSeconds, double EndSeconds, string Text, bool IsNoise);

/// <summary>
/// Ingests an evaluation set through the real pipeline and measures search on it: recall@1, recall@5 and MRR per kind
/// of query in each ranking, and the share of on-screen text segments that are noise.
/// </summary>
public static class SearchQuality
{
    /// <summary>Hits asked for per query, as the REST API's default: MRR is over these.</summary>
    public const int HitsAsked = 20;

    /// <summary>The goals of issue 16: fused recall@5 per kind, and the share of noise among on-screen text segments.</summary>
    public static double RecallAt5Goal(QueryKind kind) => kind == QueryKind.Meaning ? 0.7 : 0.9;

    public const double NoiseShareGoal = 0.02;

    /// <summary>
    /// A word read on screen is one drawn when it is at least this alike to a word drawn on that video while the
    /// segment was shown (1 − edit distance / length: one letter wrong in a word of five).
    /// </summary>
    public const double DrawnWordSimilarity = 0.8;

    /// <summary>
    /// Uploads every video as a person would and waits for its ingestion (<paramref name="finished"/>: the host's way of
    /// waiting for a task to end); each must complete. Returns the library id of each video by its name.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, Guid>> IngestAsync(
        IServiceProvider services, BuiltSet set, Func<Guid, Task<TaskSnapshot>> finished, CancellationToken cancellationToken)
    {
        var storage = services.GetRequiredService<MediaStorage>();
        var importer = services.GetRequiredService<VideoImporter>();
        var imported = new List<ImportedVideo>();
        foreach (var video in set.Videos)
        {
            var incoming = storage.NewIncomingPath();
            File.Copy(video.Path, incoming);
            imported.Add(await importer.ImportUploadAsync(incoming, video.Name, new FileInfo(incoming).Length, video.Name, autoStart: true, null, cancellationToken));
        }

        foreach (var video in imported)
        {
            var done = await finished(video.Task!.Id);
            if (done.State != TaskState.Completed)
            {
                throw new InvalidOperationException($"The ingestion of {video.Video.OriginalFileName} ended {done.State}: {done.ErrorCode} {done.ErrorMessage}");
            }
        }

        return imported.ToDictionary(v => v.Video.OriginalFileName, v => v.Video.Id);
    }

    /// <summary>Every query of the set in each ranking, through the search service people use.</summary>
    public static async Task<IReadOnlyList<QueryOutcome>> RankAsync(
        SearchService search, BuiltSet set, IReadOnlyDictionary<string, Guid> videoIds, CancellationToken cancellationToken)
    {
        var names = videoIds.ToDictionary(v => v.Value, v => v.Key);
        var outcomes = new List<QueryOutcome>();
        foreach (var ranking in Enum.GetValues<TextRanking>())
        {
            foreach (var query in set.Queries)
            {
                var hits = (await search.SearchTextAsync(query.Text, null, HitsAsked, ranking, cancellationToken)).Hits;
                var right = hits.Select((hit, i) => (hit, Rank: i + 1))
                    .FirstOrDefault(h => query.IsAnsweredBy(names.GetValueOrDefault(h.hit.VideoId, ""), h.hit.StartSeconds, h.hit.EndSeconds));
                var top = hits.FirstOrDefault() is { } first
                    ? $"{names.GetValueOrDefault(first.VideoId)} {first.StartSeconds:0.#}-{first.EndSeconds:0.#} s \"{OneLine(first.Text)}\""
                    : null;
                outcomes.Add(new QueryOutcome(query, ranking, right.hit is null ? null : right.Rank, top));
            }
        }

        return outcomes;
    }

    public static KindScore Score(IEnumerable<QueryOutcome> outcomes, QueryKind kind, TextRanking ranking)
    {
        var ranks = outcomes.Where(o => o.Query.Kind == kind && o.Ranking == ranking).Select(o => o.Rank).ToArray();
        return ranks.Length == 0
            ? new KindScore(0, 0, 0, 0)
            : new KindScore(ranks.Length, ranks.Count(r => r == 1) / (double)ranks.Length, ranks.Count(r => r <= 5) / (double)ranks.Length,
                ranks.Sum(r => r is { } rank ? 1.0 / rank : 0) / ranks.Length);
    }

    /// <summary>
    /// Every on-screen text segment indexed for the set's videos. One is noise when fewer than half of its words are
    /// words drawn on that video at that time (<see cref="DrawnWordSimilarity"/>); on a video where nothing was drawn,
    /// every segment is.
    /// </summary>
    public static async Task<IReadOnlyList<ScreenTextReading>> ScreenTextAsync(
        IServiceProvider services, BuiltSet set, IReadOnlyDictionary<string, Guid> videoIds, CancellationToken cancellationToken)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<VaasDbContext>>().CreateDbContextAsync(cancellationToken);
        var readings = new List<ScreenTextReading>();
        foreach (var video in set.Videos)
        {
            var id = videoIds[video.Name];
            var segments = await db.TextSegments.AsNoTracking().Where(s => s.VideoId == id && s.Source == TextSource.ScreenText)
                .OrderBy(s => s.StartSeconds).ToListAsync(cancellationToken);
            foreach (var segment in segments)
            {
                var drawn = video.Drawn.Where(d => d.FromSeconds < segment.EndSeconds && d.UntilSeconds > segment.StartSeconds)
                    .SelectMany(d => EvaluationSet.WordsOf(d.Text)).ToArray();
                var words = EvaluationSet.WordsOf(segment.Text);
                var drawnWords = words.Count(w => drawn.Any(d => TextSimilarity.Of(w, d) >= DrawnWordSimilarity));
                readings.Add(new ScreenTextReading(video.Name, segment.StartSeconds, segment.EndSeconds, segment.Text, drawnWords * 2 < words.Length));
            }
        }

        return readings;
    }

    /// <summary>The table the benchmark prints: each kind's scores in each ranking, the goals beside them, then the noise share.</summary>
    public static string Report(IReadOnlyList<QueryOutcome> outcomes, IReadOnlyList<ScreenTextReading> screenText)
    {
        var table = new StringBuilder();
        TextRanking[] rankings = [TextRanking.WordsOnly, TextRanking.MeaningOnly, TextRanking.Fused];
        table.AppendLine(string.Concat(["kind        queries", .. rankings.Select(r => $" | {Name(r),-20}"), " | goal (fused R@5)"]));
        table.AppendLine(string.Concat(["                   ", .. rankings.Select(_ => $" | {"R@1",5} {"R@5",5} {"MRR",5}   "), " |"]));
        foreach (var kind in Enum.GetValues<QueryKind>())
        {
            var line = new StringBuilder($"{Name(kind),-11} {Score(outcomes, kind, TextRanking.Fused).Queries,7}");
            foreach (var ranking in rankings)
            {
                var score = Score(outcomes, kind, ranking);
                line.Append(CultureInfo.InvariantCulture, $" | {score.RecallAt1,5:0.00} {score.RecallAt5,5:0.00} {score.MeanReciprocalRank,5:0.00}   ");
            }

            var met = Score(outcomes, kind, TextRanking.Fused).RecallAt5 >= RecallAt5Goal(kind);
            table.AppendLine(line.Append(CultureInfo.InvariantCulture, $" | >= {RecallAt5Goal(kind):0.0} {(met ? "met" : "MISSED")}").ToString());
        }

        var noise = screenText.Count(r => r.IsNoise);
        var share = screenText.Count == 0 ? 0 : noise / (double)screenText.Count;
        table.AppendLine(CultureInfo.InvariantCulture,
            $"noise: {noise} of {screenText.Count} indexed on-screen text segments ({share:0.0%}); goal <= {NoiseShareGoal:0%} {(share <= NoiseShareGoal ? "met" : "MISSED")}");
        return table.ToString();
    }

    /// <summary>
    /// What went wrong, for reading beside the table: each query not ranked first (but meaning queries by words only,
    /// which cannot match by construction), and each noise segment.
    /// </summary>
    public static string Misses(IReadOnlyList<QueryOutcome> outcomes, IReadOnlyList<ScreenTextReading> screenText)
    {
        var text = new StringBuilder();
        foreach (var miss in outcomes.Where(o => o.Rank != 1 && !(o.Ranking == TextRanking.WordsOnly && o.Query.Kind == QueryKind.Meaning)))
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{Name(miss.Ranking)}, {Name(miss.Query.Kind)} \"{miss.Query.Text}\" (wanted {miss.Query.Video} {miss.Query.StartSeconds:0.#}-{miss.Query.EndSeconds:0.#} s): " +
                $"{(miss.Rank is { } rank ? $"rank {rank}" : "not found")}; top {miss.TopHit ?? "nothing"}");
        }

        foreach (var reading in screenText.Where(r => r.IsNoise))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"noise on {reading.Video} {reading.StartSeconds:0.#}-{reading.EndSeconds:0.#} s: \"{OneLine(reading.Text)}\"");
        }

        return text.ToString();
    }

    /// <summary>On-screen text keeps its lines; in a report they are shown with a slash between them.</summary>
    private static string OneLine(string text) => text.ReplaceLineEndings(" / ");

    private static string Name(TextRanking ranking) => ranking switch
    {
        TextRanking.WordsOnly => "words only",
        TextRanking.MeaningOnly => "meaning only",
        _ => "fused",
    };

    private static string Name(QueryKind kind) => kind switch
    {
        QueryKind.WordForms => "word forms",
        QueryKind.Meaning => "meaning",
        _ => "exact",
    };
}
