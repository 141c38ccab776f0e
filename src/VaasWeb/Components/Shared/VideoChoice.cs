using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Uploads;
using VaasWeb.Processing.Videos;

namespace VaasWeb.Components.Shared;

/// <summary>
/// A video as a picker offers it. Names are not unique (the same file uploaded twice, two "clip.mp4"s): a name
/// that appears more than once says when it was added and how large it is, so the entries can be told apart.
/// </summary>
public sealed record VideoChoice(Guid Id, string Label)
{
    public static async Task<IReadOnlyList<VideoChoice>> ListAsync(IQueryable<Video> videos, CancellationToken cancellationToken = default)
    {
        var rows = await videos.AsNoTracking().OrderBy(v => v.OriginalFileName)
            .Select(v => new { v.Id, v.OriginalFileName, v.CreatedAt, v.SizeBytes }).ToListAsync(cancellationToken);
        var repeated = rows.GroupBy(v => v.OriginalFileName, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        return rows
            .OrderBy(v => v.OriginalFileName, StringComparer.OrdinalIgnoreCase).ThenByDescending(v => v.CreatedAt)
            .Select(v => new VideoChoice(v.Id, repeated.Contains(v.OriginalFileName) ? Distinguished(v.OriginalFileName, v.CreatedAt, v.SizeBytes) : v.OriginalFileName))
            .ToList();
    }

    public static string Distinguished(string name, DateTimeOffset createdAt, long sizeBytes) =>
        $"{name} · added {createdAt.ToLocalTime():yyyy-MM-dd HH:mm:ss} · {Bytes.Format(sizeBytes)}";
}
