namespace VaasWeb.Components.Pages.Upload;

/// <summary>One file's upload as the browser reports it (see wwwroot/js/uploads.js).</summary>
/// <param name="Status">uploading, interrupted, done, failed, cancelled; or duplicate (stored, waiting for keep or drop), dropped.</param>
/// <param name="DuplicateOf">The earlier video with the same bytes (the server's Vaas-Duplicate-Of answer).</param>
/// <param name="DuplicateName">Its name.</param>
/// <param name="DuplicateAdded">When it was added (ISO 8601).</param>
public sealed record UploadState(
    string Id,
    string Name,
    long Size,
    long Sent,
    string Status,
    string? Message,
    Guid? TaskId,
    Guid? VideoId,
    long? ResumedAt,
    Guid? DuplicateOf = null,
    string? DuplicateName = null,
    DateTimeOffset? DuplicateAdded = null)
{
    public double Percent => Size == 0 ? 0 : Math.Round(100.0 * Sent / Size, 1);

    public bool IsActive => Status is "uploading" or "interrupted";
}
