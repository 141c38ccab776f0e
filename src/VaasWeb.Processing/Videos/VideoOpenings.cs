using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using VaasWeb.Processing.Data;

namespace VaasWeb.Processing.Videos;

/// <summary>
/// Notes that a video was opened (its page, its file played), for <c>Retention:VideoDays</c>. A player asks for many
/// ranges of one file, so each node writes a video's time at most once an hour; the hour is all retention needs.
/// </summary>
public sealed class VideoOpenings(IDbContextFactory<VaasDbContext> dbFactory, TimeProvider clock, ILogger<VideoOpenings> logger)
{
    public static readonly TimeSpan Resolution = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _written = new();

    public async Task NoteAsync(Guid videoId, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        if (_written.TryGetValue(videoId, out var last) && now - last < Resolution)
        {
            return;
        }

        _written[videoId] = now;
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await db.Videos.Where(v => v.Id == videoId).ExecuteUpdateAsync(s => s.SetProperty(v => v.LastOpenedAt, now), cancellationToken);
        }
        catch (System.Data.Common.DbException e)
        {
            // Opening the video goes on; the next opening writes it.
            _written.TryRemove(videoId, out _);
            logger.LogWarning(e, "Noting that video {VideoId} was opened failed", videoId);
        }
    }
}
