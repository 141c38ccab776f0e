using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Media;
using VaasWeb.Processing.Videos;

namespace VaasWeb.Processing.Ingestion.Steps;

/// <summary>
/// Decodes the audio once to 16-bit mono WAV, then cuts it into overlapping chunks in process: exact to the
/// sample, and one ffmpeg run instead of one per chunk.
/// </summary>
internal sealed class AudioStep(IMediaTool media, IDbContextFactory<VaasDbContext> dbFactory, IOptions<IngestionOptions> options) : IIngestionStep
{
    public string Name => "audio";
    public double Weight => 3;
    public IngestionLane Lane => IngestionLane.Sound;

    public async Task<StepOutcome> RunAsync(IngestionRun run, IProgress<double> progress, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var info = run.RequireMedia();
        if (!info.HasAudio)
        {
            return StepOutcome.Skipped("the video has no audio track");
        }

        var directory = run.NewStepDirectory(Name);
        try
        {
            var fullPath = run.Storage.ToAbsolute($"{directory}/full.wav");
            await media.ExtractAudioAsync(run.VideoPath, fullPath, o.AudioSampleRate, info.Duration, StepProgress.Slice(progress, 0, 0.8), cancellationToken);

            var wav = WavFile.Open(fullPath);
            var spans = AudioChunkPlan.Plan(wav.SampleCount, wav.SampleRate, o.AudioChunkSeconds, o.AudioOverlapSeconds, o.AudioMinChunkSeconds);
            var chunks = new List<AudioChunk>(spans.Count);
            for (var i = 0; i < spans.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var path = $"{directory}/chunk-{i:D5}.wav";
                wav.WriteSlice(spans[i], run.Storage.ToAbsolute(path));
                chunks.Add(new AudioChunk(run.VideoId, i, Seconds(spans[i].Start, wav), Seconds(spans[i].End, wav), path));
                progress.Report(0.8 + 0.2 * (i + 1) / spans.Count);
            }

            File.Delete(fullPath);
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            db.AudioChunks.AddRange(chunks);
            await db.SaveChangesAsync(cancellationToken);

            return StepOutcome.Done(chunks.Count == 0
                ? $"{wav.Duration.TotalSeconds:0.0} s of audio is shorter than Ingestion:AudioMinChunkSeconds; no chunks"
                : $"{chunks.Count} chunks of {o.AudioChunkSeconds:0.###} s overlapping {o.AudioOverlapSeconds:0.###} s over {wav.Duration.TotalSeconds:0.0} s of audio");
        }
        catch
        {
            Directory.Delete(run.Storage.ToAbsolute(directory), recursive: true);
            throw;
        }
    }

    private static double Seconds(long sample, WavFile wav) => Math.Round((double)sample / wav.SampleRate, 6);
}
