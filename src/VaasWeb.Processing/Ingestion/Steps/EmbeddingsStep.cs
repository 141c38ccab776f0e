using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Intelligence;
using VaasWeb.Processing.Search;

namespace VaasWeb.Processing.Ingestion.Steps;

/// <summary>Optional: vectors for every text segment, so search also ranks by meaning. Skipped when no embeddings endpoint is configured.</summary>
internal sealed class EmbeddingsStep(IEmbedder embedder, IDbContextFactory<VaasDbContext> dbFactory, IOptions<IntelligenceOptions> options) : IIngestionStep
{
    public string Name => "embeddings";
    public double Weight => 2;
    public bool IsOptional => true;

    public async Task<StepOutcome> RunAsync(IngestionRun run, IProgress<double> progress, CancellationToken cancellationToken)
    {
        if (!options.Value.Embeddings.IsConfigured)
        {
            return StepOutcome.Skipped("no embeddings endpoint configured (set Intelligence:Embeddings:Endpoint, Model and ApiKey for ranking by meaning)");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var segments = await db.TextSegments.AsNoTracking().Where(s => s.VideoId == run.VideoId).OrderBy(s => s.Id).ToListAsync(cancellationToken);
        if (segments.Count == 0)
        {
            return StepOutcome.Skipped("the video has no text to embed");
        }

        var vectors = await embedder.EmbedAsync(segments.Select(s => s.Text).ToArray(), cancellationToken);
        db.TextEmbeddings.AddRange(segments.Select((s, i) => new TextEmbedding(s.Id, run.VideoId, TextEmbedding.Pack(vectors[i]))));
        await db.SaveChangesAsync(cancellationToken);
        progress.Report(1);
        return StepOutcome.Done($"{segments.Count} segments embedded ({vectors[0].Length} dimensions)");
    }
}
