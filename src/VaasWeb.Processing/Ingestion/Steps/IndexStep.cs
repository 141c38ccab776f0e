using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Search;

namespace VaasWeb.Processing.Ingestion.Steps;

/// <summary>Puts the video's speech, on-screen text and captions into the full-text index (frame hashes are already stored).</summary>
internal sealed class IndexStep(ITextIndex index, IDbContextFactory<VaasDbContext> dbFactory) : IIngestionStep
{
    public string Name => "index";
    public double Weight => 1;

    public async Task<StepOutcome> RunAsync(IngestionRun run, IProgress<double> progress, CancellationToken cancellationToken)
    {
        await index.IndexVideoAsync(run.VideoId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var counts = await db.TextSegments.Where(s => s.VideoId == run.VideoId).GroupBy(s => s.Source)
            .Select(g => new { Source = g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var frames = await db.Frames.CountAsync(f => f.VideoId == run.VideoId && f.Hash != null, cancellationToken);
        int Of(TextSource source) => counts.FirstOrDefault(c => c.Source == source)?.Count ?? 0;
        return StepOutcome.Done($"{Of(TextSource.Speech)} speech, {Of(TextSource.ScreenText)} on-screen text and {Of(TextSource.Caption)} caption segments indexed; {frames} frames searchable by picture");
    }
}
