namespace VaasWeb.Components.Pages.Upload;

/// <summary>One file's upload as the browser reports it (see wwwroot/js/uploads.js).</summary>
public sealed record UploadState(
    string Id,
    string Name,
    long Size,
    long Sent,
    string Status,
    string? Message,
    Guid? TaskId,
    Guid? VideoId,
    long? ResumedAt)
{
    public double Percent => Size == 0 ? 0 : Math.Round(100.0 * Sent / Size, 1);

    public bool IsActive => Status is "uploading" or "interrupted";
}
