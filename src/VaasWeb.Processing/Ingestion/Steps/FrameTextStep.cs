using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Intelligence;
using VaasWeb.Processing.Search;

namespace VaasWeb.Processing.Ingestion.Steps;

/// <summary>
/// Reads the text visible in each distinct picture (near-duplicates of the previous one are skipped); text that
/// stays the same across several pictures becomes one segment spanning them.
/// </summary>
internal sealed class FrameTextStep(IFrameTextReader reader, IDbContextFactory<VaasDbContext> dbFactory) : IIngestionStep
{
    private const int Batch = 16;

    public string Name => "frame_text";
    public double Weight => 4;

    public async Task<StepOutcome> RunAsync(IngestionRun run, IProgress<double> progress, CancellationToken cancellationToken)
    {
        var distinct = await IngestionText.DistinctFramesAsync(dbFactory, run, cancellationToken);
        var texts = new List<string>(distinct.Count);
        foreach (var batch in distinct.Chunk(Batch))
        {
            texts.AddRange(await reader.ReadAsync(batch.Select(d => run.Storage.ToAbsolute(d.Frame.Path)).ToArray(), cancellationToken));
            progress.Report((double)texts.Count / distinct.Count);
        }

        var segments = new List<TextSegment>();
        for (var i = 0; i < distinct.Count; i++)
        {
            if (texts[i].Length == 0)
            {
                continue;
            }

            if (segments.Count > 0 && segments[^1].Text == texts[i] && segments[^1].EndSeconds >= distinct[i].Frame.TimestampSeconds)
            {
                // The same words on a changed picture (a slide over moving video): one longer segment.
                var previous = segments[^1];
                segments[^1] = new TextSegment(run.VideoId, TextSource.ScreenText, previous.StartSeconds, distinct[i].EndSeconds, previous.Text) { FrameId = previous.FrameId };
                continue;
            }

            segments.Add(new TextSegment(run.VideoId, TextSource.ScreenText, distinct[i].Frame.TimestampSeconds, distinct[i].EndSeconds, texts[i])
            {
                FrameId = distinct[i].Frame.Id,
            });
        }

        await IngestionText.SaveAsync(dbFactory, segments, cancellationToken);
        return StepOutcome.Done($"text on {texts.Count(t => t.Length > 0)} of {distinct.Count} distinct pictures, {segments.Count} segments");
    }
}
