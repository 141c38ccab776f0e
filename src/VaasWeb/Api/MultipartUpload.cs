using System.Buffers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using VaasWeb.Processing.Storage;
using VaasWeb.Processing.Uploads;

namespace VaasWeb.Api;

/// <summary>A file received completely into the incoming folder, hashed on the way.</summary>
public sealed record ReceivedFile(string TemporaryPath, string FileName, long SizeBytes, string Sha256);

/// <summary>Why a multipart upload was refused, with the status code it deserves.</summary>
public sealed class UploadRejectedException(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}

/// <summary>
/// Reads the <c>file</c> part of a multipart request straight to disk in 64 KiB pieces: the body is never
/// buffered whole, in memory or in a second temporary file. A transfer that fails for any reason leaves no file.
/// </summary>
public static class MultipartUpload
{
    public const string FieldName = "file";

    /// <summary>Room for the multipart boundaries and part headers around the file itself.</summary>
    private const long EnvelopeBytes = 1024 * 1024;

    private const int BufferSize = 64 * 1024;

    public static async Task<ReceivedFile> ReceiveAsync(HttpRequest request, MediaStorage storage, DiskSpace disk, long maxBytes, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(contentType.Boundary).Value is not { Length: > 0 } boundary)
        {
            throw new UploadRejectedException(StatusCodes.Status415UnsupportedMediaType,
                $"Send the video as multipart/form-data with a field named '{FieldName}'.");
        }

        if (request.ContentLength > maxBytes + EnvelopeBytes)
        {
            throw TooLarge(maxBytes);
        }

        // Before a byte is read: the declared length (the whole body; a chunked one declares nothing and is held to
        // what is free now) must leave Storage:MinFreeBytes. A disk that fills anyway still ends in a 507 below.
        if (disk.RefusalFor(request.ContentLength ?? 0) is { } refusal)
        {
            throw new UploadRejectedException(StatusCodes.Status507InsufficientStorage, refusal);
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes + EnvelopeBytes;
        }

        var reader = new MultipartReader(boundary, request.Body);
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    && disposition.IsFileDisposition()
                    && disposition.Name.Equals(FieldName, StringComparison.Ordinal))
                {
                    var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                    return await SaveAsync(section.Body, fileName ?? "", storage, maxBytes, cancellationToken);
                }
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(maxBytes);
        }
        catch (InvalidDataException e)
        {
            throw new UploadRejectedException(StatusCodes.Status400BadRequest, $"The multipart body is malformed: {e.Message}");
        }
        catch (Exception e) when (e is IOException or OperationCanceledException && !DiskFull.Is(e))
        {
            // A cut connection, a client that gave up (BadHttpRequestException is an IOException too): the partial
            // file is already gone. Failures writing to our own disk are not the client's and are not caught here.
            throw new UploadRejectedException(StatusCodes.Status400BadRequest,
                "The upload was interrupted before the file was complete; nothing was kept. Send it again.");
        }
        catch (IOException e) when (DiskFull.Is(e))
        {
            throw new UploadRejectedException(StatusCodes.Status507InsufficientStorage, "The server ran out of disk space; nothing was kept.");
        }

        throw new UploadRejectedException(StatusCodes.Status400BadRequest, $"The form has no file field named '{FieldName}'.");
    }

    private static async Task<ReceivedFile> SaveAsync(Stream body, string fileName, MediaStorage storage, long maxBytes, CancellationToken cancellationToken)
    {
        var path = storage.NewIncomingPath();
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long total = 0;
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous))
            {
                int read;
                while ((read = await body.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
                {
                    total += read;
                    if (total > maxBytes)
                    {
                        throw TooLarge(maxBytes);
                    }

                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }

            if (total == 0)
            {
                throw new UploadRejectedException(StatusCodes.Status400BadRequest, "The uploaded file is empty.");
            }

            return new ReceivedFile(path, fileName, total, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
        catch
        {
            File.Delete(path);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static UploadRejectedException TooLarge(long maxBytes) =>
        new(StatusCodes.Status413PayloadTooLarge, $"The file is larger than the {Bytes.Format(maxBytes)} limit (Upload:MaxBytes, or Upload:MaxBytesByRole for your role).");
}
