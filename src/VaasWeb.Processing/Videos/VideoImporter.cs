using VaasWeb.Processing.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Ingestion;
using VaasWeb.Processing.Media;
using VaasWeb.Processing.Storage;
using VaasWeb.Processing.Tasks;

namespace VaasWeb.Processing.Videos;

/// <param name="DuplicateOf">The earliest video with the same bytes, when there was one before this upload.</param>
public sealed record ImportedVideo(Video Video, ProcessingTask? Task, bool TaskAlreadyQueued = false, VideoSummary? DuplicateOf = null);

/// <summary>A video as a person recognises it: its name and when it was added.</summary>
public sealed record VideoSummary(Guid Id, string Name, DateTimeOffset CreatedAt, long SizeBytes);

/// <summary>
/// Turns a file into a Video row (and, when asked, a queued ingestion). A file only becomes visible under
/// <c>videos/</c> once it has been checked and its rows can be written; a failure on the way leaves nothing.
/// </summary>
public sealed class VideoImporter(
    IDbContextFactory<VaasDbContext> dbFactory,
    IMediaTool media,
    MediaStorage storage,
    TaskLifecycle lifecycle,
    TaskQueue queue,
    AuditTrail audit,
    IOptions<IngestionOptions> ingestion)
{
    private static readonly HashSet<string> KnownExtensions =
        [".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".mpg", ".mpeg", ".ts", ".m2ts", ".wmv", ".flv", ".3gp", ".ogv"];

    /// <summary>
    /// Checks a completely received upload with ffprobe and moves it into place. The temporary file is always
    /// gone afterwards: moved when accepted, deleted when not. Throws <see cref="MediaException"/> for non-videos.
    /// </summary>
    /// <param name="owner">Who uploaded it: owns the video and its ingestion task and is named in the audit log.</param>
    /// <param name="holdDuplicates">
    /// When the same bytes are already in the library, store the copy but do not queue its ingestion: the uploader
    /// is asked whether to keep both (then it is ingested) or drop the copy. Otherwise a copy is treated as any upload.
    /// </param>
    public Task<ImportedVideo> ImportUploadAsync(
        string temporaryPath, string originalFileName, long sizeBytes, string sha256, bool? autoStart, Actor? owner, CancellationToken cancellationToken,
        bool holdDuplicates = false) =>
        ImportAsync(temporaryPath, originalFileName, sizeBytes, sha256, VideoSource.Upload, autoStart ?? ingestion.Value.AutoStart, "queued after upload", cancellationToken,
            owner: owner, holdDuplicates: holdDuplicates);

    /// <summary>
    /// As <see cref="ImportUploadAsync"/>, for a video VaasWeb made (a MiniMax generation, a narrated cut).
    /// <paramref name="recordResult"/> writes, in the same transaction as the video's row, who made it (and returns
    /// that task, changed, to be announced), so a crash can never leave a stored result its maker does not know about.
    /// </summary>
    public Task<ImportedVideo> ImportGeneratedAsync(
        string temporaryPath, string name, long sizeBytes, string sha256, bool ingest,
        Func<VaasDbContext, Video, Task<ProcessingTask>> recordResult, CancellationToken cancellationToken) =>
        ImportAsync(temporaryPath, name, sizeBytes, sha256, VideoSource.Generated, ingest, "queued after generation", cancellationToken, recordResult);

    private async Task<ImportedVideo> ImportAsync(
        string temporaryPath, string originalFileName, long sizeBytes, string sha256, VideoSource source, bool ingest, string reason,
        CancellationToken cancellationToken, Func<VaasDbContext, Video, Task<ProcessingTask>>? recordResult = null, Actor? owner = null,
        bool holdDuplicates = false)
    {
        try
        {
            MediaInfo info;
            try
            {
                info = await media.ProbeAsync(temporaryPath, cancellationToken);
            }
            catch (MediaException e)
            {
                // ffprobe names the file it read: the person knows their file by its name, not by our temporary one.
                throw e.Naming(temporaryPath, DisplayName(originalFileName));
            }

            var duplicateOf = source == VideoSource.Upload ? await FindSameBytesAsync(sha256, cancellationToken) : null;
            var id = Guid.NewGuid();
            var relative = storage.VideoRelativePath(id, ExtensionFor(originalFileName, info.Container));
            var video = new Video(id, DisplayName(originalFileName), relative, sizeBytes, sha256, source, lifecycle.Now) { OwnerId = owner?.UserId };
            video.ApplyProbe(info);

            var target = storage.ToAbsolute(relative);
            File.Move(temporaryPath, target);
            ingest &= !(holdDuplicates && duplicateOf is not null);
            var task = ingest ? ProcessingTask.Create(TaskKind.Ingestion, video, reason, lifecycle.Now, owner: owner) : null;
            ProcessingTask? maker;
            try
            {
                maker = recordResult is not null
                    ? await SaveRecordingAsync(video, task, cancellationToken, recordResult)
                    : await SaveAsync(video, task, videoIsNew: true, cancellationToken, recordAudit:
                        owner is null ? null : db => audit.Add(db, owner, AuditActions.VideoUpload, "video", id.ToString(), $"{video.OriginalFileName} ({Uploads.Bytes.Format(sizeBytes)})"));
            }
            catch
            {
                // Nothing was committed: the file must not stay behind without its row.
                File.Delete(target);
                throw;
            }

            if (maker is not null)
            {
                await lifecycle.PublishAsync(maker);
            }

            await AnnounceAsync(task);
            return new ImportedVideo(video, task, DuplicateOf: duplicateOf);
        }
        finally
        {
            File.Delete(temporaryPath);
        }
    }

    private async Task<VideoSummary?> FindSameBytesAsync(string sha256, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Videos.AsNoTracking().Where(v => v.Sha256 == sha256).OrderBy(v => v.CreatedAt)
            .Select(v => new VideoSummary(v.Id, v.OriginalFileName, v.CreatedAt, v.SizeBytes)).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// Queues an ingestion of a file already inside the media root (validated by <see cref="MediaStorage"/>).
    /// A file nobody registered yet is probed and registered first; a video that is already being ingested
    /// keeps its running task.
    /// </summary>
    public async Task<ImportedVideo> QueueIngestionAsync(string absolutePath, Actor? owner, CancellationToken cancellationToken)
    {
        try
        {
            return await TryQueueIngestionAsync(absolutePath, owner, cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A request at the same moment registered this file or queued its ingestion first: use what it made.
            return await TryQueueIngestionAsync(absolutePath, owner, cancellationToken);
        }
    }

    private async Task<ImportedVideo> TryQueueIngestionAsync(string absolutePath, Actor? owner, CancellationToken cancellationToken)
    {
        var relative = storage.ToRelative(absolutePath);
        Video? video;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            video = await db.Videos.FirstOrDefaultAsync(v => v.StoredPath == relative, cancellationToken);
            if (video is not null)
            {
                var active = await db.Tasks.Include(t => t.Video)
                    .Where(t => t.VideoId == video.Id && t.Kind == TaskKind.Ingestion
                                && (t.State == TaskState.Pending || t.State == TaskState.InProgress))
                    .FirstOrDefaultAsync(cancellationToken);
                if (active is not null)
                {
                    return new ImportedVideo(video, active, TaskAlreadyQueued: true);
                }
            }
        }

        var isNew = video is null;
        if (video is null)
        {
            var info = await media.ProbeAsync(absolutePath, cancellationToken);
            video = new Video(Guid.NewGuid(), Path.GetFileName(absolutePath), relative, new FileInfo(absolutePath).Length, null, VideoSource.MediaFolder, lifecycle.Now);
            video.ApplyProbe(info);
        }

        var task = ProcessingTask.Create(TaskKind.Ingestion, video, "queued by process-video", lifecycle.Now, owner: owner);
        await SaveAsync(video, task, isNew, cancellationToken, recordAudit:
            owner is null ? null : db => audit.Add(db, owner, AuditActions.VideoProcess, "video", video.Id.ToString(), relative));
        await AnnounceAsync(task);
        return new ImportedVideo(video, task);
    }

    private async Task<ProcessingTask?> SaveAsync(
        Video video, ProcessingTask? task, bool videoIsNew, CancellationToken cancellationToken,
        Func<VaasDbContext, Video, Task<ProcessingTask>>? recordResult = null, Action<VaasDbContext>? recordAudit = null)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (videoIsNew)
        {
            db.Videos.Add(video);
        }
        else
        {
            db.Videos.Attach(video);
        }

        if (task is not null)
        {
            db.Tasks.Add(task);
        }

        var maker = recordResult is null ? null : await recordResult(db, video);
        recordAudit?.Invoke(db);
        await db.SaveChangesAsync(cancellationToken);
        return maker;
    }

    /// <summary>
    /// A result recorded in a running task meets that task's own progress and heartbeat writes; when one of them won
    /// the row in between, the whole save is made again on a fresh read (nothing of the failed one was committed), so a
    /// fetched file is not thrown away and fetched again for a version number.
    /// </summary>
    private async Task<ProcessingTask?> SaveRecordingAsync(
        Video video, ProcessingTask? task, CancellationToken cancellationToken, Func<VaasDbContext, Video, Task<ProcessingTask>> recordResult)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await SaveAsync(video, task, videoIsNew: true, cancellationToken, recordResult);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary>Tells viewers and hands the committed task to the scheduler; nothing here can undo the commit.</summary>
    private async Task AnnounceAsync(ProcessingTask? task)
    {
        if (task is not null)
        {
            await lifecycle.PublishAsync(task);
            await queue.EnqueueOrLeaveForSweepAsync(task);
        }
    }

    /// <summary>Only the last path segment, trimmed to a sane length: it is shown, never used as a path.</summary>
    public static string DisplayName(string? fileName)
    {
        var name = Path.GetFileName((fileName ?? "").Replace('\\', '/').Split('/')[^1]).Trim();
        name = new string(name.Where(c => !char.IsControl(c)).ToArray());
        if (name.Length == 0)
        {
            return "video";
        }

        return name.Length <= 255 ? name : name[..255];
    }

    internal static string ExtensionFor(string? fileName, string container)
    {
        var extension = Path.GetExtension(DisplayName(fileName)).ToLowerInvariant();
        if (KnownExtensions.Contains(extension))
        {
            return extension;
        }

        return container switch
        {
            var c when c.Contains("mp4", StringComparison.Ordinal) => ".mp4",
            var c when c.Contains("webm", StringComparison.Ordinal) => ".webm",
            var c when c.Contains("matroska", StringComparison.Ordinal) => ".mkv",
            "avi" => ".avi",
            "mpegts" => ".ts",
            _ => ".video",
        };
    }
}
