using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Tasks;

namespace VaasWeb.Processing.Videos;

/// <summary>A video of the library with the state of its latest ingestion (null when it never had one).</summary>
public sealed record LibraryVideo(Video Video, TaskSnapshot? Ingestion);

/// <summary>Reads of the library, shared by the videos page and the MCP tools.</summary>
public sealed class VideoQueries(IDbContextFactory<VaasDbContext> dbFactory)
{
    /// <summary>Every video, newest first, each with its latest ingestion, which tells its status.</summary>
    public async Task<IReadOnlyList<LibraryVideo>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var videos = await db.Videos.AsNoTracking().OrderByDescending(v => v.CreatedAt).ToListAsync(cancellationToken);
        var latest = await db.Tasks.AsNoTracking().Include(t => t.Video)
            .Where(t => t.Kind == TaskKind.Ingestion && t.CreatedAt == db.Tasks.Where(o => o.VideoId == t.VideoId && o.Kind == TaskKind.Ingestion).Max(o => o.CreatedAt))
            .ToListAsync(cancellationToken);
        var byVideo = latest.GroupBy(t => t.VideoId!.Value).ToDictionary(g => g.Key, g => TaskSnapshot.Of(g.First()));
        return videos.Select(v => new LibraryVideo(v, byVideo.GetValueOrDefault(v.Id))).ToArray();
    }

    /// <summary>Where a video is stored, relative to the media root; null for an unknown id.</summary>
    public async Task<string?> StoredPathAsync(Guid videoId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Videos.Where(v => v.Id == videoId).Select(v => v.StoredPath).FirstOrDefaultAsync(cancellationToken);
    }
}
