using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Search;
using VaasWeb.Processing.Videos;

namespace VaasWeb.Processing.Clips;

/// <summary>Which part of a video a hit's clip covers.</summary>
public sealed class ClipPlanner(IOptions<ClipOptions> options)
{
    /// <summary>
    /// Speech: the audio chunk the words were heard in. Anything else (a picture, on-screen text, a caption):
    /// <c>PaddingSeconds</c> either side. Always clamped to the video, which the original did not do (it could
    /// start a clip at a negative time).
    /// </summary>
    public async Task<(double Start, double End)> SpanAsync(
        VaasDbContext db, Video video, HitSource source, double startSeconds, double endSeconds, CancellationToken cancellationToken)
    {
        var duration = video.DurationSeconds ?? Math.Max(endSeconds, startSeconds);
        if (source == HitSource.Speech)
        {
            var chunk = await db.AudioChunks.AsNoTracking()
                .Where(c => c.VideoId == video.Id && c.StartSeconds <= startSeconds && c.EndSeconds >= endSeconds)
                .OrderBy(c => c.StartSeconds).FirstOrDefaultAsync(cancellationToken);
            if (chunk is not null)
            {
                return Clamp(chunk.StartSeconds, chunk.EndSeconds, duration);
            }

            return Clamp(startSeconds, endSeconds, duration);
        }

        var padding = options.Value.PaddingSeconds;
        return Clamp(startSeconds - padding, startSeconds + padding, duration);
    }

    /// <summary>[start, end] inside [0, duration]; an empty or reversed span keeps at least its start.</summary>
    public static (double Start, double End) Clamp(double start, double end, double duration)
    {
        var clampedStart = Math.Clamp(start, 0, Math.Max(0, duration));
        var clampedEnd = Math.Clamp(end, clampedStart, Math.Max(clampedStart, duration));
        return (Math.Round(clampedStart, 3), Math.Round(clampedEnd, 3));
    }
}
