using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Intelligence;
using VaasWeb.Processing.Search;

namespace VaasWeb.Processing.Ingestion.Steps;

/// <summary>
/// Reads the text visible in each distinct picture (near-duplicates of the previous one are skipped); readings of
/// consecutive pictures that are alike become one segment spanning them.
/// </summary>
internal sealed class FrameTextStep(IFrameTextReader reader, IDbContextFactory<VaasDbContext> dbFactory, IOptions<IntelligenceOptions> options) : IIngestionStep
{
    /// <summary>tesseract runs at once: one keeps one core busy, and the picture lane is the longer one.</summary>
    private const int ReadersAtOnce = 2;

    /// <summary>
    /// Most pictures one tesseract run reads. Each run first loads its model (about 0.1 s), so the pictures are split into
    /// as few runs as keep <see cref="ReadersAtOnce"/> busy, but no longer than this, so progress moves and a long video's
    /// runs still share the readers evenly.
    /// </summary>
    private const int MaxBatch = 64;

    public string Name => "frame_text";
    public double Weight => 4;
    public IngestionLane Lane => IngestionLane.Picture;

    public async Task<StepOutcome> RunAsync(IngestionRun run, IProgress<double> progress, CancellationToken cancellationToken)
    {
        var distinct = await IngestionText.DistinctFramesAsync(dbFactory, run, cancellationToken);
        var batches = distinct.Chunk(BatchSize(distinct.Count)).ToArray();
        var read = new IReadOnlyList<FrameText>[batches.Length];
        var done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, batches.Length), new ParallelOptions { MaxDegreeOfParallelism = ReadersAtOnce, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                read[i] = await reader.ReadAsync(batches[i].Select(d => run.Storage.ToAbsolute(d.Frame.Path)).ToArray(), ct);
                progress.Report((double)Interlocked.Add(ref done, batches[i].Length) / distinct.Count);
            });

        var texts = read.SelectMany(r => r).ToArray();
        var segments = Merge(run.VideoId, distinct, texts, options.Value.Ocr.MergeSimilarity);
        await IngestionText.SaveAsync(dbFactory, segments, cancellationToken);
        return StepOutcome.Done($"text on {texts.Count(t => t.Text.Length > 0)} of {distinct.Count} distinct pictures, {segments.Count} segments");
    }

    /// <summary>Pictures per tesseract run: 60 pictures are two runs of 30, 600 are ten runs of at most 64.</summary>
    internal static int BatchSize(int pictures) => Math.Clamp((pictures + ReadersAtOnce - 1) / ReadersAtOnce, 1, MaxBatch);

    /// <summary>
    /// One segment per run of pictures whose texts are at least <paramref name="minSimilarity"/> alike (the same
    /// slide over moving video, read with a letter wrong or a stray prefix), spanning them all, with the reading
    /// tesseract was surest of. A picture without text ends the run.
    /// </summary>
    internal static IReadOnlyList<TextSegment> Merge(Guid videoId, IReadOnlyList<DistinctFrame> pictures, IReadOnlyList<FrameText> texts, double minSimilarity)
    {
        var runs = new List<(DistinctFrame First, double EndSeconds, FrameText Best)>();
        for (var i = 0; i < pictures.Count; i++)
        {
            if (texts[i].Text.Length == 0)
            {
                continue;
            }

            if (runs.Count > 0 && runs[^1].EndSeconds >= pictures[i].Frame.TimestampSeconds && TextSimilarity.Of(runs[^1].Best.Text, texts[i].Text) >= minSimilarity)
            {
                var run = runs[^1];
                runs[^1] = (run.First, pictures[i].EndSeconds, texts[i].Confidence > run.Best.Confidence ? texts[i] : run.Best);
                continue;
            }

            runs.Add((pictures[i], pictures[i].EndSeconds, texts[i]));
        }

        return runs.Select(r => new TextSegment(videoId, TextSource.ScreenText, r.First.Frame.TimestampSeconds, r.EndSeconds, r.Best.Text) { FrameId = r.First.Frame.Id })
            .ToArray();
    }
}
