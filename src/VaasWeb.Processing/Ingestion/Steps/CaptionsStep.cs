using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Intelligence;
using VaasWeb.Processing.Search;

namespace VaasWeb.Processing.Ingestion.Steps;

/// <summary>
/// Optional: one sentence describing each distinct picture, from a vision model behind an OpenAI-compatible
/// chat endpoint. Skipped, with the reason, when none is configured.
/// </summary>
internal sealed class CaptionsStep(ICaptioner captioner, IDbContextFactory<VaasDbContext> dbFactory, IOptions<IntelligenceOptions> options) : IIngestionStep
{
    /// <summary>Each caption is a paid request; a long, busy video is described at most this many times.</summary>
    public const int MaxCaptions = 200;

    public string Name => "captions";
    public double Weight => 3;
    public IngestionLane Lane => IngestionLane.Picture;
    public bool IsOptional => true;

    public async Task<StepOutcome> RunAsync(IngestionRun run, IProgress<double> progress, CancellationToken cancellationToken)
    {
        var chat = options.Value.Chat;
        if (!chat.IsConfigured || !chat.CaptionFrames)
        {
            return StepOutcome.Skipped(chat.IsConfigured
                ? "frame captions are turned off (Intelligence:Chat:CaptionFrames)"
                : "no vision model configured (set Intelligence:Chat:Endpoint, Model and ApiKey to describe frames)");
        }

        var distinct = await IngestionText.DistinctFramesAsync(dbFactory, run, cancellationToken);
        var chosen = distinct.Count <= MaxCaptions ? distinct : Enumerable.Range(0, MaxCaptions).Select(i => distinct[i * distinct.Count / MaxCaptions]).ToArray();
        var segments = new List<TextSegment>();
        foreach (var picture in chosen)
        {
            var caption = await captioner.DescribeAsync(run.Storage.ToAbsolute(picture.Frame.Path), cancellationToken);
            if (caption.Length > 0)
            {
                segments.Add(new TextSegment(run.VideoId, TextSource.Caption, picture.Frame.TimestampSeconds, picture.EndSeconds, caption) { FrameId = picture.Frame.Id });
            }

            progress.Report((double)segments.Count / chosen.Count);
        }

        await IngestionText.SaveAsync(dbFactory, segments, cancellationToken);
        return StepOutcome.Done($"{segments.Count} captions for {distinct.Count} distinct pictures");
    }
}
