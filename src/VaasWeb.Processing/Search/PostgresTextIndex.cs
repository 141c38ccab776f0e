using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Data;

namespace VaasWeb.Processing.Search;

/// <summary>
/// <see cref="ITextIndex"/> on PostgreSQL's own text search: each segment's <c>tsvector</c> (English stemming, no stop
/// words: the <c>vaas_english</c> configuration) in <c>TextSegments.SearchVector</c> under a GIN index, ranked by
/// <c>ts_rank</c>, matches marked by <c>ts_headline</c>. The column and the configuration come from the PostgreSQL
/// Initial migration; this class and that migration hold the only SQL written for PostgreSQL.
/// </summary>
public sealed class PostgresTextIndex(IDbContextFactory<VaasDbContext> dbFactory) : ITextIndex
{
    /// <summary>The whole text (as FTS5's highlight gives it), each match between the two marks.</summary>
    private static readonly string HeadlineOptions = $"HighlightAll=true, StartSel={ITextIndex.MatchStart}, StopSel={ITextIndex.MatchEnd}";

    public async Task IndexVideoAsync(Guid videoId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync(
            $"""UPDATE "TextSegments" SET "SearchVector" = to_tsvector('vaas_english', "Text") WHERE "VideoId" = {videoId}""", cancellationToken);
    }

    public async Task RemoveVideoAsync(Guid videoId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await RemoveVideoAsync(db, videoId, cancellationToken);
    }

    public async Task RemoveVideoAsync(VaasDbContext db, Guid videoId, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlAsync(
            $"""UPDATE "TextSegments" SET "SearchVector" = NULL WHERE "VideoId" = {videoId} AND "SearchVector" IS NOT NULL""", cancellationToken);

    public async Task<IReadOnlyList<TextMatch>> SearchAsync(string query, Guid? videoId, int limit, CancellationToken cancellationToken)
    {
        if (FtsQuery.BuildTsQuery(query) is not { } match)
        {
            return [];
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // Score: lower is better, as BM25 in SQLite; normalisation 1 divides by the log of the text's length, so a word in a
        // short text counts for more, as in BM25. The id breaks ties so equal ranks come back in a stable order.
        var rows = videoId is { } id
            ? db.Database.SqlQuery<Row>($"""
                SELECT s."Id" AS "SegmentId", -ts_rank(s."SearchVector", q, 1)::double precision AS "Score",
                       ts_headline('vaas_english', s."Text", q, {HeadlineOptions}) AS "MarkedText"
                FROM "TextSegments" s, to_tsquery('vaas_english', {match}) q
                WHERE s."SearchVector" @@ q AND s."VideoId" = {id}
                ORDER BY ts_rank(s."SearchVector", q, 1) DESC, s."Id" LIMIT {limit}
                """)
            : db.Database.SqlQuery<Row>($"""
                SELECT s."Id" AS "SegmentId", -ts_rank(s."SearchVector", q, 1)::double precision AS "Score",
                       ts_headline('vaas_english', s."Text", q, {HeadlineOptions}) AS "MarkedText"
                FROM "TextSegments" s, to_tsquery('vaas_english', {match}) q
                WHERE s."SearchVector" @@ q
                ORDER BY ts_rank(s."SearchVector", q, 1) DESC, s."Id" LIMIT {limit}
                """);
        return (await rows.ToListAsync(cancellationToken)).Select(r => new TextMatch(r.SegmentId, r.Score, r.MarkedText)).ToArray();
    }

    private sealed record Row(long SegmentId, double Score, string MarkedText);
}
