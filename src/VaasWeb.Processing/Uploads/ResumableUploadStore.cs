using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Storage;

namespace VaasWeb.Processing.Uploads;

/// <summary>
/// Storage for resumable (tus) uploads: the bytes in <c>{id}.part</c>, the length, name and expiry in
/// <c>{id}.json</c>, both under the media root's incoming folder. The offset is the part file's length, so
/// every byte that reached the disk counts, even from a request that was cut. One writer per upload at a time
/// (an exclusive file lock, which also holds across processes). Knows nothing of HTTP.
/// </summary>
public sealed partial class ResumableUploadStore
{
    private const int BufferSize = 64 * 1024;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly IOptions<UploadOptions> _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<ResumableUploadStore> _logger;

    // The hash of what arrived so far, for uploads written in order on this node; lost on restart, then the
    // finished file is read once instead.
    private readonly ConcurrentDictionary<string, RunningHash> _hashes = new();

    // Uploads a request is writing to in this process: their offset is still moving.
    private readonly ConcurrentDictionary<string, byte> _writing = new();

    public ResumableUploadStore(MediaStorage storage, IOptions<UploadOptions> options, TimeProvider clock, ILogger<ResumableUploadStore> logger)
    {
        _options = options;
        _clock = clock;
        _logger = logger;
        Folder = Path.Combine(storage.IncomingDirectory, "resumable");
        Directory.CreateDirectory(Folder);
    }

    public string Folder { get; }

    public long MaxBytes => _options.Value.MaxBytes;

    /// <param name="maxBytes">The uploader's limit (<see cref="UploadOptions.LimitFor"/>); at most <see cref="MaxBytes"/> when not given.</param>
    /// <param name="ownerId">The account starting it; see <see cref="ResumableUpload.MayBeUsedBy"/>.</param>
    /// <param name="keepFreeBytes">Free space the whole upload must leave on the disk (<see cref="StorageOptions.MinFreeBytes"/>).</param>
    public ResumableUpload Create(long length, string fileName, string? fileType, long? maxBytes = null, string? ownerId = null, long keepFreeBytes = 0)
    {
        var limit = maxBytes ?? MaxBytes;
        if (length <= 0)
        {
            throw new ResumableUploadException(UploadProblem.Empty, "Upload-Length must be above zero: an empty file is not a video.");
        }

        if (length > limit)
        {
            throw new ResumableUploadException(UploadProblem.TooLarge, $"The file is larger than the {Bytes.Format(limit)} limit (Upload:MaxBytes, or Upload:MaxBytesByRole for your role).");
        }

        if (DiskSpace.Refusal(new DriveInfo(Folder).AvailableFreeSpace, length, keepFreeBytes) is { } refusal)
        {
            throw new ResumableUploadException(UploadProblem.NoSpace, refusal);
        }

        var now = _clock.GetUtcNow();
        var upload = new ResumableUpload(Guid.NewGuid().ToString("N"), length, 0, fileName, fileType, now, now + Expiry, ownerId);
        try
        {
            File.WriteAllBytes(PartPath(upload.Id), []);
            WriteSidecar(upload);
        }
        catch (IOException e) when (DiskFull.Is(e))
        {
            Delete(upload.Id);
            throw new ResumableUploadException(UploadProblem.NoSpace, "The server ran out of disk space; nothing was kept.");
        }

        return upload;
    }

    /// <summary>The upload as it stands, or null when there is none by that id. Throws when it has expired.</summary>
    public ResumableUpload? Find(string id)
    {
        var upload = Read(id);
        if (upload is not null && upload.ExpiresAt <= _clock.GetUtcNow())
        {
            Delete(id);
            throw new ResumableUploadException(UploadProblem.Expired, "This upload expired before it was finished; start it again.");
        }

        return upload;
    }

    /// <summary>
    /// Appends the body at <paramref name="offset"/>, which must be where the upload stands. Bytes written before
    /// the body failed stay and count: the next request resumes after them.
    /// </summary>
    public async Task<ResumableUpload> AppendAsync(string id, long offset, Stream body)
    {
        var upload = Find(id) ?? throw new ResumableUploadException(UploadProblem.NotFound, "There is no upload with this id.");
        if (offset != upload.Offset)
        {
            throw new ResumableUploadException(UploadProblem.OffsetMismatch,
                $"The upload stands at byte {upload.Offset}, not {offset}; ask for the offset (HEAD) and resume from there.", upload.Offset);
        }

        FileStream file;
        try
        {
            file = new FileStream(PartPath(id), FileMode.Open, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous);
        }
        catch (IOException)
        {
            throw new ResumableUploadException(UploadProblem.Locked, "Another request is writing to this upload right now; retry shortly.");
        }

        _writing[id] = 0;
        var hash = _hashes.TryGetValue(id, out var running) && running.Offset == offset ? running
            : offset == 0 ? new RunningHash()
            : null;
        var closed = false;
        try
        {
            ResumableUploadException? failure;
            try
            {
                file.Seek(offset, SeekOrigin.Begin);
                failure = await CopyAsync(body, file, upload.Length - offset, upload.Length, hash);
                await file.FlushAsync(CancellationToken.None);
            }
            catch (IOException e) when (DiskFull.Is(e))
            {
                failure = NoSpace();
            }

            // Where the upload stands is what reached the disk, whatever the request counted.
            var diskFull = failure?.Problem == UploadProblem.NoSpace;
            try
            {
                closed = true;
                await file.DisposeAsync();
            }
            catch (IOException e) when (DiskFull.Is(e))
            {
                diskFull = true;
                failure ??= NoSpace();
            }

            var onDisk = new FileInfo(PartPath(id)).Length;
            if (hash is not null && hash.Offset == onDisk)
            {
                _hashes[id] = hash;
            }
            else
            {
                _hashes.TryRemove(id, out _);
            }

            var expires = upload.ExpiresAt;
            if (onDisk > offset && !diskFull && File.Exists(SidecarPath(id)))
            {
                expires = _clock.GetUtcNow() + Expiry;
                WriteSidecar(upload with { ExpiresAt = expires });
            }

            return failure is null
                ? upload with { Offset = onDisk, ExpiresAt = expires }
                : throw new ResumableUploadException(failure.Problem, failure.Message, onDisk);
        }
        finally
        {
            if (!closed)
            {
                await file.DisposeAsync();
            }

            _writing.TryRemove(id, out _);
        }
    }

    /// <summary>
    /// Copies the body to the file in 64 KiB blocks, hashing as it goes; returns why it stopped early, or null when
    /// the body ended. A full disk throws.
    /// </summary>
    private static async Task<ResumableUploadException?> CopyAsync(Stream body, FileStream file, long remaining, long length, RunningHash? hash)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                int read;
                try
                {
                    // Not the request's abort token: after a cut the bytes that did arrive are still read and kept,
                    // and only then does the read fail. A stalled client is cut off by the server's minimum data rate.
                    read = await body.ReadAsync(buffer.AsMemory(0, BufferSize), CancellationToken.None);
                }
                // A cut connection (ASP.NET's BadHttpRequestException is an IOException too) or a client that gave up.
                catch (Exception e) when (e is IOException or OperationCanceledException)
                {
                    return new ResumableUploadException(UploadProblem.Interrupted, "The transfer was interrupted; resume it.");
                }

                if (read == 0)
                {
                    return null;
                }

                if (read > remaining)
                {
                    return new ResumableUploadException(UploadProblem.BeyondLength, $"The request carries more bytes than the upload's length of {length}.");
                }

                await file.WriteAsync(buffer.AsMemory(0, read), CancellationToken.None);
                hash?.Append(buffer.AsSpan(0, read));
                remaining -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ResumableUploadException NoSpace() =>
        new(UploadProblem.NoSpace, "The server ran out of disk space; the upload resumes from Upload-Offset once there is room.");

    /// <summary>True while a request is still writing to the upload here; its offset is not final yet.</summary>
    public bool IsBeingWritten(string id) => _writing.ContainsKey(id);

    /// <summary>The SHA-256 of a complete upload: from the running hash when it saw every byte, else by reading the file.</summary>
    public async Task<string> Sha256Async(string id, CancellationToken cancellationToken)
    {
        var length = new FileInfo(PartPath(id)).Length;
        if (_hashes.TryRemove(id, out var running) && running.Offset == length)
        {
            return running.Finish();
        }

        await using var file = File.OpenRead(PartPath(id));
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
    }

    /// <summary>Forgets an upload, deleting whatever of it is still here. True when there was something.</summary>
    public bool Delete(string id)
    {
        _hashes.TryRemove(id, out _);
        var existed = File.Exists(SidecarPath(id));
        File.Delete(SidecarPath(id));
        File.Delete(PartPath(id));
        return existed;
    }

    /// <summary>Deletes unfinished uploads past their expiry, and part files whose description is gone.</summary>
    public int DeleteExpired()
    {
        var now = _clock.GetUtcNow();
        var deleted = 0;
        foreach (var sidecar in Directory.EnumerateFiles(Folder, "*.json"))
        {
            var id = Path.GetFileNameWithoutExtension(sidecar);
            if (Read(id) is not { } upload || upload.ExpiresAt <= now)
            {
                Delete(id);
                deleted++;
            }
        }

        foreach (var part in Directory.EnumerateFiles(Folder, "*.part"))
        {
            var id = Path.GetFileNameWithoutExtension(part);
            if (!File.Exists(SidecarPath(id)) && now - File.GetLastWriteTimeUtc(part) > TimeSpan.FromHours(1))
            {
                File.Delete(part);
                deleted++;
            }
        }

        if (deleted > 0)
        {
            _logger.LogInformation("Deleted {Count} expired upload(s)", deleted);
        }

        return deleted;
    }

    public string PartPath(string id) => Path.Combine(Folder, $"{CheckId(id)}.part");

    private string SidecarPath(string id) => Path.Combine(Folder, $"{CheckId(id)}.json");

    private TimeSpan Expiry => TimeSpan.FromHours(_options.Value.IncompleteExpiryHours);

    private ResumableUpload? Read(string id)
    {
        if (!IdFormat().IsMatch(id))
        {
            return null;
        }

        try
        {
            var sidecar = JsonSerializer.Deserialize<Sidecar>(File.ReadAllText(SidecarPath(id)), Json);
            return sidecar is null ? null : new ResumableUpload(
                id, sidecar.Length, new FileInfo(PartPath(id)).Length, sidecar.FileName, sidecar.FileType, sidecar.CreatedAt, sidecar.ExpiresAt, sidecar.OwnerId);
        }
        catch (Exception e) when (e is FileNotFoundException or JsonException)
        {
            return null;
        }
    }

    private void WriteSidecar(ResumableUpload upload)
    {
        var temporary = SidecarPath(upload.Id) + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(new Sidecar(upload.Length, upload.FileName, upload.FileType, upload.CreatedAt, upload.ExpiresAt, upload.OwnerId), Json));
        File.Move(temporary, SidecarPath(upload.Id), overwrite: true);
    }

    private static string CheckId(string id) =>
        IdFormat().IsMatch(id) ? id : throw new ResumableUploadException(UploadProblem.NotFound, "There is no upload with this id.");

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex IdFormat();

    private sealed record Sidecar(long Length, string FileName, string? FileType, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, string? OwnerId = null);

    private sealed class RunningHash
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public long Offset { get; private set; }

        public void Append(ReadOnlySpan<byte> bytes)
        {
            _hash.AppendData(bytes);
            Offset += bytes.Length;
        }

        public string Finish()
        {
            var result = Convert.ToHexStringLower(_hash.GetHashAndReset());
            _hash.Dispose();
            return result;
        }
    }
}
