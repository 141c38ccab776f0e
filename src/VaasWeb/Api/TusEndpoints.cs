using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using VaasWeb.Limits;
using VaasWeb.Processing.Ingestion;
using VaasWeb.Processing.Media;
using VaasWeb.Processing.Storage;
using VaasWeb.Processing.Telemetry;
using VaasWeb.Processing.Uploads;
using VaasWeb.Processing.Videos;
using VaasWeb.Security;

namespace VaasWeb.Api;

/// <summary>
/// tus 1.0 (core + creation + termination + expiration) over <see cref="ResumableUploadStore"/>: the browser's
/// upload path. A finished upload is imported like any other (ffprobe, then moved into place and queued); the
/// last PATCH answers with the new video and task in <c>Vaas-Video-Id</c> / <c>Vaas-Task-Id</c>, or 415 when the
/// file is not a video, in which case nothing of it is kept. A file whose bytes are already in the library is
/// stored but not ingested, and the answer names the earlier video (<c>Vaas-Duplicate-Of</c>, <c>-Name</c>
/// URI-encoded, <c>-Added</c>): the uploader decides whether to keep both or drop the copy.
/// </summary>
internal static class TusEndpoints
{
    public const string Path = "/uploads/tus";
    private const string TusVersion = "1.0.0";
    private const string OffsetContentType = "application/offset+octet-stream";

    public static IEndpointRouteBuilder MapTusUploads(this IEndpointRouteBuilder app)
    {
        var tus = app.MapGroup(Path).WithTags("Resumable uploads (tus 1.0)").AddEndpointFilter(TusHeadersAsync).RequireAuthorization(Policies.Uploader);
        tus.MapMethods("", [HttpMethods.Options], Describe).WithName("DescribeUploads").WithSummary("Which tus version, extensions and maximum size this server supports.");
        tus.MapPost("", CreateAsync).WithName("CreateUpload").WithSummary("Create an upload (Upload-Length, Upload-Metadata: filename, filetype).")
            .RequireLimit(LimitKind.Upload);
        tus.MapMethods("/{id}", [HttpMethods.Head], Head).WithName("GetUploadOffset").WithSummary("Where an upload stands (Upload-Offset).");
        tus.MapPatch("/{id}", PatchAsync).WithName("AppendToUpload").WithSummary("Append bytes at Upload-Offset; the last ones import the video.");
        tus.MapDelete("/{id}", Delete).WithName("DeleteUpload").WithSummary("Abandon an upload and delete what arrived.");
        return app;
    }

    /// <summary>Every answer carries Tus-Resumable; every request but OPTIONS must speak our version.</summary>
    private static async ValueTask<object?> TusHeadersAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        http.Response.Headers["Tus-Resumable"] = TusVersion;
        if (!HttpMethods.IsOptions(http.Request.Method) && http.Request.Headers["Tus-Resumable"] != TusVersion)
        {
            http.Response.Headers["Tus-Version"] = TusVersion;
            return Problem(StatusCodes.Status412PreconditionFailed, $"This server speaks tus {TusVersion}; send the header Tus-Resumable: {TusVersion}.");
        }

        return await next(context);
    }

    private static IResult Describe(HttpContext http, IOptions<UploadOptions> options)
    {
        var response = http.Response;
        response.Headers["Tus-Version"] = TusVersion;
        response.Headers["Tus-Extension"] = "creation,termination,expiration";
        response.Headers["Tus-Max-Size"] = http.User.UploadLimit(options.Value).ToString(CultureInfo.InvariantCulture);
        return Results.NoContent();
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, HttpResponse response, ResumableUploadStore store, DiskSpace disk,
        IOptions<UploadOptions> options, IOptions<IngestionOptions> ingestion, QueuedTaskCap cap, CancellationToken cancellationToken)
    {
        if (!long.TryParse(request.Headers["Upload-Length"], NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            return Problem(StatusCodes.Status400BadRequest, "Upload-Length is required: the size of the file in bytes (deferred lengths are not supported).");
        }

        if (ParseMetadata(request.Headers["Upload-Metadata"].ToString()) is not { } metadata)
        {
            return Problem(StatusCodes.Status400BadRequest,
                "Upload-Metadata must be comma-separated pairs of a key and its base64-encoded value, each key once, e.g. 'filename aG9saWRheS5tcDQ='.");
        }

        // The ingestion is queued by the last PATCH; the cap is checked now, before the bytes are sent.
        if (ingestion.Value.AutoStart && await cap.RefusalAsync(request.HttpContext.User, cancellationToken) is { } tooMany)
        {
            return tooMany;
        }

        try
        {
            var upload = store.Create(length, VideoImporter.DisplayName(metadata.GetValueOrDefault("filename")), metadata.GetValueOrDefault("filetype"),
                request.HttpContext.User.UploadLimit(options.Value), request.HttpContext.User.UserId(), keepFreeBytes: disk.MinFreeBytes);
            response.Headers["Upload-Expires"] = upload.ExpiresAt.ToString("r", CultureInfo.InvariantCulture);
            return Results.Created($"{Path}/{upload.Id}", null);
        }
        catch (ResumableUploadException e)
        {
            return Problem(e);
        }
    }

    private static IResult Head(string id, HttpContext http, ResumableUploadStore store)
    {
        var response = http.Response;
        response.Headers.CacheControl = "no-store";
        try
        {
            if (FindOwn(id, http, store) is not { } upload)
            {
                return Results.NotFound();
            }

            if (store.IsBeingWritten(id))
            {
                // A request (perhaps one whose connection just dropped) is still writing: ask again shortly.
                response.Headers.RetryAfter = "1";
                return Results.StatusCode(StatusCodes.Status423Locked);
            }

            response.Headers["Upload-Offset"] = upload.Offset.ToString(CultureInfo.InvariantCulture);
            response.Headers["Upload-Length"] = upload.Length.ToString(CultureInfo.InvariantCulture);
            response.Headers["Upload-Expires"] = upload.ExpiresAt.ToString("r", CultureInfo.InvariantCulture);
            return Results.Ok();
        }
        catch (ResumableUploadException e)
        {
            return Results.StatusCode(StatusFor(e.Problem));
        }
    }

    private static async Task<IResult> PatchAsync(
        string id, HttpRequest request, HttpResponse response, ResumableUploadStore store, VideoImporter importer, VaasMetrics metrics,
        CancellationToken cancellationToken)
    {
        if (!string.Equals(request.ContentType, OffsetContentType, StringComparison.OrdinalIgnoreCase))
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, $"Send the bytes with Content-Type: {OffsetContentType}.");
        }

        if (!long.TryParse(request.Headers["Upload-Offset"], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            return Problem(StatusCodes.Status400BadRequest, "Upload-Offset is required: the byte the body starts at.");
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = store.MaxBytes;
        }

        ResumableUpload upload;
        try
        {
            if (FindOwn(id, request.HttpContext, store) is null)
            {
                return Problem(StatusCodes.Status404NotFound, "There is no upload with this id.");
            }

            upload = await store.AppendAsync(id, offset, request.Body);
        }
        catch (ResumableUploadException e)
        {
            if (e.CurrentOffset is { } current)
            {
                // A cut connection or a full disk keeps what arrived; it counts as received.
                metrics.UploadBytes(Math.Max(current - offset, 0), "tus");
                response.Headers["Upload-Offset"] = current.ToString(CultureInfo.InvariantCulture);
            }

            return Problem(e);
        }

        metrics.UploadBytes(upload.Offset - offset, "tus");
        response.Headers["Upload-Offset"] = upload.Offset.ToString(CultureInfo.InvariantCulture);
        if (!upload.IsComplete)
        {
            response.Headers["Upload-Expires"] = upload.ExpiresAt.ToString("r", CultureInfo.InvariantCulture);
            return Results.NoContent();
        }

        try
        {
            var sha256 = await store.Sha256Async(id, cancellationToken);
            var imported = await importer.ImportUploadAsync(store.PartPath(id), upload.FileName, upload.Length, sha256, autoStart: null, request.HttpContext.Actor(), cancellationToken,
                holdDuplicates: true);
            response.Headers["Vaas-Video-Id"] = imported.Video.Id.ToString();
            response.Headers["Vaas-Video-Path"] = imported.Video.StoredPath;
            if (imported.Task is not null)
            {
                response.Headers["Vaas-Task-Id"] = imported.Task.Id.ToString();
            }

            if (imported.DuplicateOf is { } earlier)
            {
                response.Headers["Vaas-Duplicate-Of"] = earlier.Id.ToString();
                response.Headers["Vaas-Duplicate-Name"] = Uri.EscapeDataString(earlier.Name);
                response.Headers["Vaas-Duplicate-Added"] = earlier.CreatedAt.ToString("O", CultureInfo.InvariantCulture);
            }

            return Results.NoContent();
        }
        catch (MediaException e)
        {
            return Problems.Of(e);
        }
        finally
        {
            // Imported or refused, the upload as such is over: its part file was moved or deleted.
            store.Delete(id);
        }
    }

    private static IResult Delete(string id, HttpContext http, ResumableUploadStore store)
    {
        try
        {
            return FindOwn(id, http, store) is not null && store.Delete(id) ? Results.NoContent() : Results.NotFound();
        }
        catch (ResumableUploadException e)
        {
            return Problem(e);
        }
    }

    /// <summary>The upload when the caller started it (or is an admin); someone else's is answered as if it did not exist.</summary>
    private static ResumableUpload? FindOwn(string id, HttpContext http, ResumableUploadStore store) =>
        store.Find(id) is { } upload && upload.MayBeUsedBy(http.User.UserId(), http.User.IsAdmin()) ? upload : null;

    /// <summary>tus metadata: comma-separated "key base64(value)" pairs; null when the header breaks that form.</summary>
    internal static Dictionary<string, string>? ParseMetadata(string header)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split(' ', 2);
            try
            {
                if (parts[0].Length == 0 || !metadata.TryAdd(parts[0], parts.Length == 2 ? new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(parts[1])) : ""))
                {
                    return null;
                }
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                return null;
            }
        }

        return metadata;
    }

    private static int StatusFor(UploadProblem problem) => problem switch
    {
        UploadProblem.NotFound => StatusCodes.Status404NotFound,
        UploadProblem.Expired => StatusCodes.Status410Gone,
        UploadProblem.TooLarge => StatusCodes.Status413PayloadTooLarge,
        UploadProblem.OffsetMismatch => StatusCodes.Status409Conflict,
        UploadProblem.Locked => StatusCodes.Status423Locked,
        UploadProblem.NoSpace => StatusCodes.Status507InsufficientStorage,
        _ => StatusCodes.Status400BadRequest,
    };

    private static IResult Problem(ResumableUploadException e) => Problem(StatusFor(e.Problem), e.Message);

    private static IResult Problem(int status, string detail) => Results.Problem(detail, statusCode: status);
}
