using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using MiniMax.Emulator.Contract;
using MiniMax.Emulator.Faults;
using MiniMax.Emulator.Media;
using MiniMax.Emulator.Requests;
using MiniMax.Emulator.State;

namespace MiniMax.Emulator.Endpoints;

/// <summary>Retrieving a file's metadata and a fresh download URL, downloading it, and uploading audio.</summary>
public static partial class FileEndpoints
{
    public const long MaxUploadBytes = 20 * 1024 * 1024;

    private static readonly string[] UploadPurposes = ["voice_clone", "prompt_audio"];
    private static readonly string[] AudioExtensions = [".mp3", ".m4a", ".wav"];

    public static IEndpointRouteBuilder MapFileEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/files/retrieve", RetrieveAsync).Emulates(EndpointNames.Retrieve);
        app.MapGet("/files/{file_id}/content", DownloadAsync).Emulates(EndpointNames.Download);
        app.MapPost("/v1/files/upload", UploadAsync).Emulates(EndpointNames.FilesUpload);
        return app;
    }

    private static async Task<IResult> RetrieveAsync(
        HttpContext context,
        FileStore files,
        DownloadLinks links,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var value = context.Request.Query["file_id"].ToString();
        if (value.Length == 0)
        {
            return Reply.InvalidParams("invalid params, file_id is required");
        }

        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var fileId) || files.Find(fileId) is not { } file)
        {
            return Reply.InvalidParams("file not found");
        }

        string path;
        try
        {
            // The render is shared with other callers; this caller only stops waiting for it when it leaves.
            path = await file.ContentAsync().WaitAsync(cancellationToken);
        }
        catch (InvalidOperationException e)
        {
            LogRenderFailed(loggers.CreateLogger(typeof(FileEndpoints)), fileId, e.Message);
            return Reply.Error(MiniMaxCodes.InternalError, "internal error: the file could not be produced");
        }

        var fileObject = new FileObject(
            file.FileId,
            new FileInfo(path).Length,
            file.CreatedAt.ToUnixTimeSeconds(),
            file.Filename,
            file.Purpose,
            links.Create(context.Request, file.FileId));
        return Reply.Json(new FileResponse(fileObject, BaseResp.Success));
    }

    private static async Task<IResult> DownloadAsync(HttpContext context, [FromRoute(Name = "file_id")] string fileId, FileStore files, DownloadLinks links, CancellationToken cancellationToken)
    {
        switch (links.Check(context))
        {
            case LinkCheck.Expired:
                return Results.Text("download url expired", statusCode: StatusCodes.Status403Forbidden);
            case LinkCheck.BadSignature:
                return Results.Text("invalid download url signature", statusCode: StatusCodes.Status403Forbidden);
        }

        // A valid signature means the emulator issued this URL for a file it has.
        var file = files.Find(long.Parse(fileId, CultureInfo.InvariantCulture))!;
        var path = await file.ContentAsync().WaitAsync(cancellationToken);
        return Results.File(path, file.ContentType, file.Filename, enableRangeProcessing: true);
    }

    private static async Task<IResult> UploadAsync(HttpContext context, FileStore files, WorkFolder folder, CancellationToken cancellationToken)
    {
        if (!context.Request.HasFormContentType)
        {
            return Reply.InvalidParams("invalid params, expected multipart/form-data with purpose and file");
        }

        var form = await context.Request.ReadFormAsync(cancellationToken);
        var purpose = form["purpose"].ToString();
        if (!UploadPurposes.Contains(purpose))
        {
            return Reply.InvalidParams($"invalid params, purpose must be one of: {string.Join(", ", UploadPurposes)}");
        }

        if (form.Files.GetFile("file") is not { } upload)
        {
            return Reply.InvalidParams("invalid params, file is required");
        }

        var extension = Path.GetExtension(upload.FileName).ToLowerInvariant();
        if (!AudioExtensions.Contains(extension))
        {
            return Reply.InvalidParams("invalid params, the file must be mp3, m4a or wav");
        }

        if (upload.Length == 0 || upload.Length > MaxUploadBytes)
        {
            return Reply.InvalidParams("invalid params, the file must be between 1 byte and 20 MB");
        }

        var path = folder.NewFile(extension);
        await using (var target = File.Create(path))
        {
            await upload.CopyToAsync(target, cancellationToken);
        }

        var file = files.AddExisting(path, Path.GetFileName(upload.FileName), purpose);
        context.Tag(fileId: file.FileId.ToString(CultureInfo.InvariantCulture));
        var fileObject = new FileObject(file.FileId, upload.Length, file.CreatedAt.ToUnixTimeSeconds(), file.Filename, file.Purpose, null);
        return Reply.Json(new FileResponse(fileObject, BaseResp.Success));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not produce file {FileId}: {Reason}")]
    private static partial void LogRenderFailed(ILogger logger, long fileId, string reason);
}
