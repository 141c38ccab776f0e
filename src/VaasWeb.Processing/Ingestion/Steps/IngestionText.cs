using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Search;

namespace VaasWeb.Processing.Ingestion.Steps;

/// <summary>What the text-producing steps share: the distinct pictures of the run's video, and saving segments.</summary>
internal static class IngestionText
{
    public static async Task<IReadOnlyList<DistinctFrame>> DistinctFramesAsync(
        IDbContextFactory<VaasDbContext> dbFactory, IngestionRun run, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var frames = await db.Frames.AsNoTracking().Where(f => f.VideoId == run.VideoId).OrderBy(f => f.Index).ToListAsync(cancellationToken);
        return DistinctFrames.Of(frames, run.RequireMedia().Duration.TotalSeconds);
    }

    public static async Task SaveAsync(IDbContextFactory<VaasDbContext> dbFactory, IReadOnlyList<TextSegment> segments, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.TextSegments.AddRange(segments);
        await db.SaveChangesAsync(cancellationToken);
    }
}
