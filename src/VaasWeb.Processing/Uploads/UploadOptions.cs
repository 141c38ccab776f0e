namespace VaasWeb.Processing.Uploads;

/// <summary>Upload limits and how long an unfinished resumable upload is kept. Section <c>Upload</c>.</summary>
public sealed class UploadOptions
{
    public const string Section = "Upload";

    /// <summary>Largest accepted video, in bytes. Default 4 GiB.</summary>
    public long MaxBytes { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>
    /// A lower or higher limit for a role (<c>Upload:MaxBytesByRole:Uploader</c>); a user gets the largest of their
    /// roles' limits, and <see cref="MaxBytes"/> for a role without one.
    /// </summary>
    public Dictionary<string, long> MaxBytesByRole { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public long LimitFor(Func<string, bool> isInRole) =>
        Accounts.Roles.All.Where(isInRole).Select(role => MaxBytesByRole.GetValueOrDefault(role, MaxBytes)).DefaultIfEmpty(MaxBytes).Max();

    /// <summary>An unfinished resumable upload not touched for this long is deleted.</summary>
    public double IncompleteExpiryHours { get; set; } = 24;

    /// <summary>
    /// Bytes per request the browser sends; 0 sends each file in one request (fastest). Resuming works either
    /// way, because the server keeps every byte that arrived before a connection dropped.
    /// </summary>
    public long BrowserChunkBytes { get; set; }
}
