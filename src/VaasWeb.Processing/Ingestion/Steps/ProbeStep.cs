using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Media;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Failures;

namespace VaasWeb.Processing.Ingestion.Steps;

/// <summary>Reads duration, streams and codecs; hashes files that did not arrive through an upload.</summary>
internal sealed class ProbeStep(IMediaTool media, IDbContextFactory<VaasDbContext> dbFactory) : IIngestionStep
{
    public string Name => "probe";
    public double Weight => 1;

    public async Task<StepOutcome> RunAsync(IngestionRun run, IProgress<double> progress, CancellationToken cancellationToken)
    {
        if (!File.Exists(run.VideoPath))
        {
            throw new TaskFailureException(ErrorCodes.VideoMissing, "The video file is no longer in the media folder.");
        }

        var info = await media.ProbeAsync(run.VideoPath, cancellationToken);
        progress.Report(0.2);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var video = await db.Videos.SingleAsync(v => v.Id == run.VideoId, cancellationToken);
        if (video.Sha256 is null)
        {
            await using var file = File.OpenRead(run.VideoPath);
            var hash = await SHA256.HashDataAsync(file, cancellationToken);
            video.SetContent(file.Length, Convert.ToHexStringLower(hash));
        }

        video.ApplyProbe(info);
        await db.SaveChangesAsync(cancellationToken);
        run.Media = info;

        var audio = info.HasAudio ? $"audio {info.AudioCodec}" : "no audio";
        return StepOutcome.Done($"{info.Duration.TotalSeconds:0.0} s, {info.Width}×{info.Height} {info.VideoCodec}, {audio}");
    }
}
