using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Intelligence;
using VaasWeb.Processing.Search;

namespace VaasWeb.Processing.Ingestion.Steps;

/// <summary>
/// Optional: vectors for every text segment, so search also ranks by meaning: by the built-in MiniLM model unless an
/// embeddings endpoint is configured. Skipped only when <c>Intelligence:Embeddings:Provider</c> is <c>None</c>.
/// </summary>
internal sealed class EmbeddingsStep(IEmbedder embedder, IDbContextFactory<VaasDbContext> dbFactory, IOptions<IntelligenceOptions> options) : IIngestionStep
{
    public string Name => "embeddings";
    public double Weight => 2;
    public bool IsOptional => true;

    private string ProviderName => options.Value.Embeddings.Resolved == EmbeddingsProvider.OpenAi ? options.Value.Embeddings.Model ?? "the embeddings endpoint" : "MiniLM";

    public async Task<StepOutcome> RunAsync(IngestionRun run, IProgress<double> progress, CancellationToken cancellationToken)
    {
        if (!options.Value.Embeddings.IsOn)
        {
            return StepOutcome.Skipped("ranking by meaning is off (Intelligence:Embeddings:Provider is None)");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var segments = await db.TextSegments.AsNoTracking().Where(s => s.VideoId == run.VideoId).OrderBy(s => s.Id).ToListAsync(cancellationToken);
        if (segments.Count == 0)
        {
            return StepOutcome.Skipped("the video has no text to embed");
        }

        var vectors = new List<float[]>(segments.Count);
        foreach (var chunk in segments.Chunk(64))
        {
            vectors.AddRange(await embedder.EmbedAsync(chunk.Select(s => s.Text).ToArray(), cancellationToken));
            progress.Report((double)vectors.Count / segments.Count);
        }

        db.TextEmbeddings.AddRange(segments.Select((s, i) => new TextEmbedding(s.Id, run.VideoId, TextEmbedding.Pack(vectors[i]))));
        await db.SaveChangesAsync(cancellationToken);
        return StepOutcome.Done($"{segments.Count} segments embedded ({vectors[0].Length} dimensions, {ProviderName})");
    }
}
