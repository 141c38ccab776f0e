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
    private const int Batch = 16;

    public string Name => "frame_text";
    public double Weight => 4;
    public IngestionLane Lane => IngestionLane.Picture;

    public async Task<StepOutcome> RunAsync(IngestionRun run, IProgress<double> progress, CancellationToken cancellationToken)
    {
        var distinct = await IngestionText.DistinctFramesAsync(dbFactory, run, cancellationToken);
        var batches = distinct.Chunk(Batch).ToArray();
        var read = new IReadOnlyList<FrameText>[batches.Length];
        var done = 0;
        // Two at a time, as the transcript does: one tesseract keeps one core busy, and the picture lane is the longer one.
        await Parallel.ForEachAsync(Enumerable.Range(0, batches.Length), new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellationToken },
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
