using Microsoft.Extensions.Options;
using VaasWeb.Processing.Uploads;

namespace VaasWeb.Processing.Storage;

/// <summary>
/// Free space under the media root, and the guard that keeps <see cref="StorageOptions.MinFreeBytes"/> of it free:
/// an upload whose declared length would take the disk below that is refused before a byte is written, so the
/// database, ingestions and other people's uploads keep room to work.
/// </summary>
public sealed class DiskSpace(MediaStorage storage, IOptions<StorageOptions> options)
{
    public long FreeBytes => new DriveInfo(storage.Root).AvailableFreeSpace;

    public long MinFreeBytes => options.Value.MinFreeBytes;

    /// <summary>Below this the board warns uploaders and admins; by default twice <see cref="MinFreeBytes"/>.</summary>
    public long WarnBelowBytes => options.Value.WarnFreeBytes ?? 2 * MinFreeBytes;

    /// <summary>Why an upload of <paramref name="incomingBytes"/> is refused now, or null when there is room for it (always, with a reserve of 0).</summary>
    public string? RefusalFor(long incomingBytes) => MinFreeBytes == 0 ? null : Refusal(FreeBytes, incomingBytes, MinFreeBytes);

    /// <summary>The warning the board shows, or null while there is enough room.</summary>
    public string? Warning() => Warning(FreeBytes, WarnBelowBytes, MinFreeBytes);

    /// <summary>
    /// Null when <paramref name="incomingBytes"/> fit in <paramref name="freeBytes"/> and leave at least
    /// <paramref name="minFreeBytes"/>; else the sentence for the 507, which says it is the server's side.
    /// </summary>
    public static string? Refusal(long freeBytes, long incomingBytes, long minFreeBytes)
    {
        var incoming = Math.Max(0, incomingBytes);
        if (freeBytes - incoming >= minFreeBytes && freeBytes >= incoming)
        {
            return null;
        }

        var why = freeBytes < incoming
            ? $"it needs {Bytes.Format(incoming)} and the disk has {Bytes.Format(Math.Max(0, freeBytes))} free"
            : $"it would leave {Bytes.Format(freeBytes - incoming)} free, below the {Bytes.Format(minFreeBytes)} the server keeps (Storage:MinFreeBytes)";
        return $"The server is short of disk space for this upload: {why}. Nothing was kept; an admin needs to free space before it is sent again.";
    }

    public static string? Warning(long freeBytes, long warnBelowBytes, long minFreeBytes) => freeBytes >= warnBelowBytes
        ? null
        : freeBytes <= minFreeBytes
            ? $"The server's disk is almost full: {Bytes.Format(Math.Max(0, freeBytes))} free, and uploads are refused below {Bytes.Format(minFreeBytes)} (Storage:MinFreeBytes). An admin needs to free space."
            : $"The server's disk is running low: {Bytes.Format(freeBytes)} free. Uploads that would leave less than {Bytes.Format(minFreeBytes)} are refused (Storage:MinFreeBytes).";
}
