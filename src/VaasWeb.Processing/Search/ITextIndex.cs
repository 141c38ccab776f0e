using VaasWeb.Processing.Data;
namespace VaasWeb.Processing.Search;

/// <summary>A row of the full-text index that matched: the segment, its score (lower is better) and its text with the matches marked.</summary>
public sealed record TextMatch(long SegmentId, double Score, string MarkedText);

/// <summary>
/// The full-text index over <see cref="TextSegment"/>s: SQLite FTS5 (BM25) in <see cref="SqliteTextIndex"/>, PostgreSQL
/// text search (tsvector, ts_rank) in <see cref="PostgresTextIndex"/>, behind the same calls.
/// </summary>
public interface ITextIndex
{
    /// <summary>Marks in <see cref="TextMatch.MarkedText"/>: a match runs from <see cref="MatchStart"/> to <see cref="MatchEnd"/>.</summary>
    const char MatchStart = '\u0002';

    const char MatchEnd = '\u0003';

    /// <summary>(Re)indexes every segment of a video.</summary>
    Task IndexVideoAsync(Guid videoId, CancellationToken cancellationToken);

    Task RemoveVideoAsync(Guid videoId, CancellationToken cancellationToken);

    /// <summary>As above, on <paramref name="db"/>'s connection, so it joins a transaction open there.</summary>
    Task RemoveVideoAsync(VaasDbContext db, Guid videoId, CancellationToken cancellationToken);

    /// <summary>Best matches first; an empty query matches nothing.</summary>
    Task<IReadOnlyList<TextMatch>> SearchAsync(string query, Guid? videoId, int limit, CancellationToken cancellationToken);
}
