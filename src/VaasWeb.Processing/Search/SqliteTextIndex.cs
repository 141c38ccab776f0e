using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Data;

namespace VaasWeb.Processing.Search;

/// <summary>
/// <see cref="ITextIndex"/> on SQLite FTS5 (porter stemming, BM25 ranking). The only SQL in VaasWeb written for
/// one database: it lives here and in the migration that creates the virtual table.
/// </summary>
public sealed class SqliteTextIndex(IDbContextFactory<VaasDbContext> dbFactory) : ITextIndex
{
    public async Task IndexVideoAsync(Guid videoId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var video = Key(videoId);
        await db.Database.ExecuteSqlAsync($"DELETE FROM TextSegmentsFts WHERE VideoId = {video}", cancellationToken);
        var segments = await db.TextSegments.AsNoTracking().Where(s => s.VideoId == videoId)
            .Select(s => new { s.Id, s.Text, s.Source }).ToListAsync(cancellationToken);
        foreach (var segment in segments)
        {
            var source = segment.Source.ToString();
            await db.Database.ExecuteSqlAsync(
                $"INSERT INTO TextSegmentsFts(rowid, Text, VideoId, Source) VALUES ({segment.Id}, {segment.Text}, {video}, {source})", cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task RemoveVideoAsync(Guid videoId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await RemoveVideoAsync(db, videoId, cancellationToken);
    }

    public async Task RemoveVideoAsync(VaasDbContext db, Guid videoId, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlAsync($"DELETE FROM TextSegmentsFts WHERE VideoId = {Key(videoId)}", cancellationToken);

    public async Task<IReadOnlyList<TextMatch>> SearchAsync(string query, Guid? videoId, int limit, CancellationToken cancellationToken)
    {
        if (FtsQuery.Build(query) is not { } match)
        {
            return [];
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = videoId is { } id
            ? db.Database.SqlQuery<Row>($"""
                SELECT rowid AS SegmentId, bm25(TextSegmentsFts) AS Score, highlight(TextSegmentsFts, 0, char(2), char(3)) AS MarkedText
                FROM TextSegmentsFts WHERE TextSegmentsFts MATCH {match} AND VideoId = {Key(id)}
                ORDER BY bm25(TextSegmentsFts) LIMIT {limit}
                """)
            : db.Database.SqlQuery<Row>($"""
                SELECT rowid AS SegmentId, bm25(TextSegmentsFts) AS Score, highlight(TextSegmentsFts, 0, char(2), char(3)) AS MarkedText
                FROM TextSegmentsFts WHERE TextSegmentsFts MATCH {match}
                ORDER BY bm25(TextSegmentsFts) LIMIT {limit}
                """);
        return (await rows.ToListAsync(cancellationToken)).Select(r => new TextMatch(r.SegmentId, r.Score, r.MarkedText)).ToArray();
    }

    private static string Key(Guid videoId) => videoId.ToString("N");

    private sealed record Row(long SegmentId, double Score, string MarkedText);
}
