using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Intelligence;
using VaasWeb.Processing.Search;
using VaasWeb.Processing.Videos;

namespace VaasWeb.Processing.Ingestion.Steps;

/// <summary>
/// Transcribes every audio chunk, placing each utterance on the video's time line. Words heard twice because
/// chunks overlap are kept once.
/// </summary>
internal sealed class TranscriptStep(ITranscriber transcriber, IDbContextFactory<VaasDbContext> dbFactory) : IIngestionStep
{
    public string Name => "transcript";
    public double Weight => 6;
    public IngestionLane Lane => IngestionLane.Sound;

    public async Task<StepOutcome> RunAsync(IngestionRun run, IProgress<double> progress, CancellationToken cancellationToken)
    {
        List<AudioChunk> chunks;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            chunks = await db.AudioChunks.AsNoTracking().Where(c => c.VideoId == run.VideoId).OrderBy(c => c.Index).ToListAsync(cancellationToken);
        }

        if (chunks.Count == 0)
        {
            return StepOutcome.Skipped(run.RequireMedia().HasAudio ? "the audio is too short to transcribe" : "the video has no audio track");
        }

        var heard = new IReadOnlyList<SpeechSegment>[chunks.Count];
        var done = 0;
        // Two at a time: transcription is CPU-bound locally and latency-bound remotely.
        await Parallel.ForEachAsync(Enumerable.Range(0, chunks.Count), new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                heard[i] = await transcriber.TranscribeAsync(run.Storage.ToAbsolute(chunks[i].Path), ct);
                progress.Report((double)Interlocked.Increment(ref done) / chunks.Count);
            });

        var segments = PlaceOnTimeline(run.VideoId, chunks, heard);
        await IngestionText.SaveAsync(dbFactory, segments, cancellationToken);
        return StepOutcome.Done($"{segments.Count} utterances from {chunks.Count} chunks ({transcriber.Name})");
    }

    /// <summary>Word timings are not exact to the sample; an utterance ending this close after the overlap still lies in it.</summary>
    private const double OverlapTolerance = 0.3;

    /// <summary>
    /// Chunk-relative segments to video time. An utterance lying within the overlap with the previous chunk, which
    /// that chunk already heard at about the same time, is dropped.
    /// </summary>
    internal static List<TextSegment> PlaceOnTimeline(Guid videoId, IReadOnlyList<AudioChunk> chunks, IReadOnlyList<IReadOnlyList<SpeechSegment>> heard)
    {
        var placed = new List<TextSegment>();
        for (var i = 0; i < chunks.Count; i++)
        {
            var previousEnd = i > 0 ? chunks[i - 1].EndSeconds : double.NegativeInfinity;
            foreach (var segment in heard[i].Where(s => s.Text.Trim().Length > 0))
            {
                var start = Math.Round(chunks[i].StartSeconds + segment.StartSeconds, 3);
                var end = Math.Round(Math.Min(chunks[i].StartSeconds + segment.EndSeconds, chunks[i].EndSeconds), 3);
                // Heard twice only if it lies within the overlap; speech running on past it is new, even if it began there.
                var repeated = end <= previousEnd + OverlapTolerance && placed.Any(p =>
                    p.ChunkIndex == chunks[i - 1].Index && p.StartSeconds < end && start < p.EndSeconds);
                if (!repeated)
                {
                    placed.Add(new TextSegment(videoId, TextSource.Speech, start, end, segment.Text.Trim())
                    {
                        ChunkIndex = chunks[i].Index,
                        WordStarts = TextSegment.PackWordStarts(segment.WordStarts?.Select(w => chunks[i].StartSeconds + w)),
                    });
                }
            }
        }

        return placed;
    }
}
