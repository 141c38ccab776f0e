using Microsoft.AspNetCore.StaticFiles;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Storage;
using VaasWeb.Processing.Videos;
using VaasWeb.Security;

namespace VaasWeb.Api;

/// <summary>
/// <c>/media/{path}</c>: the files VaasWeb wrote (videos, frames, chunks, thumbnails) and videos registered from
/// the media folder, with range requests (206) so players can seek. Nothing outside the media root, nothing
/// still being uploaded, nothing VaasWeb does not know about.
/// </summary>
internal static class MediaEndpoints
{
    public const string Prefix = "/media";
    private static readonly FileExtensionContentTypeProvider ContentTypes = new()
    {
        Mappings = { [".mkv"] = "video/x-matroska", [".wav"] = "audio/wav", [".m4v"] = "video/mp4" },
    };

    public static IEndpointRouteBuilder MapMedia(this IEndpointRouteBuilder app)
    {
        // Board: wall screens (Board:AllowAnonymousViewers) see the cards' thumbnails, and nothing else.
        app.MapGet(Prefix + "/{**path}", ServeAsync).WithName("GetMedia").WithTags("Media").RequireAuthorization(Policies.Board)
            .WithSummary("A stored video, frame, audio chunk or thumbnail; supports Range.");
        return app;
    }

    /// <summary>The URL of a file stored under the media root (as <c>Video.StoredPath</c>, <c>Frame.Path</c> etc. hold it).</summary>
    public static string UrlOf(string relativePath) =>
        Prefix + "/" + string.Join('/', relativePath.Split('/').Select(Uri.EscapeDataString));

    private static async Task<IResult> ServeAsync(
        string path, HttpContext http, MediaStorage storage, IDbContextFactory<VaasDbContext> dbFactory, VideoOpenings openings, CancellationToken cancellationToken)
    {
        if (!http.User.CanView() && !await IsThumbnailAsync(path, dbFactory, cancellationToken))
        {
            return Results.Problem($"Sign in, or send an API key in the {Processing.Accounts.ApiKeyService.HeaderName} header: without an account only the board's thumbnails are shown.",
                statusCode: StatusCodes.Status401Unauthorized);
        }

        string file;
        try
        {
            file = storage.ResolveExistingFile(path);
        }
        catch (MediaPathException e)
        {
            return Results.Problem(e.Message, statusCode: e.Problem == MediaPathProblem.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest);
        }

        var relative = storage.ToRelative(file);
        Guid? played = MediaStorage.VideoIdOf(relative);
        if (!MediaStorage.ServedFolders.Any(folder => relative.StartsWith(folder, StringComparison.Ordinal)))
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            played = await db.Videos.Where(v => v.StoredPath == relative).Select(v => (Guid?)v.Id).FirstOrDefaultAsync(cancellationToken);
            if (played is null)
            {
                return Results.Problem("Only videos and the files made from them are served.", statusCode: StatusCodes.Status404NotFound);
            }
        }

        if (played is { } videoId)
        {
            await openings.NoteAsync(videoId, cancellationToken);
        }

        var info = new FileInfo(file);
        var contentType = ContentTypes.TryGetContentType(file, out var type) ? type : "application/octet-stream";
        // Re-runs rewrite derived files under the same names: let browsers cache, but check back each time.
        var tag = new EntityTagHeaderValue($"\"{info.LastWriteTimeUtc.Ticks:x}-{info.Length:x}\"");
        return Results.File(file, contentType, lastModified: info.LastWriteTimeUtc, entityTag: tag, enableRangeProcessing: true);
    }

    private static async Task<bool> IsThumbnailAsync(string path, IDbContextFactory<VaasDbContext> dbFactory, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Videos.AnyAsync(v => v.ThumbnailPath == path, cancellationToken);
    }
}
