namespace VaasWeb.Processing.Storage;

/// <summary>Where VaasWeb keeps its database and media. Section <c>Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Holds the SQLite file and, unless <see cref="MediaRoot"/> says otherwise, the media folder.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Every video, frame and audio chunk lives below this folder. Default: <c>{DataDirectory}/media</c>.</summary>
    public string? MediaRoot { get; set; }

    /// <summary>How long a writer waits for the SQLite lock before giving up.</summary>
    public int BusyTimeoutMilliseconds { get; set; } = 5000;

    /// <summary>Uploads that would leave less free space than this under the media root are refused (507). Default 1 GiB.</summary>
    public long MinFreeBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>Below this much free space the board shows uploaders and admins a warning; unset, twice <see cref="MinFreeBytes"/>.</summary>
    public long? WarnFreeBytes { get; set; }

    public string ResolvedDataDirectory => Path.GetFullPath(DataDirectory);

    public string ResolvedMediaRoot =>
        Path.GetFullPath(string.IsNullOrWhiteSpace(MediaRoot) ? Path.Combine(ResolvedDataDirectory, "media") : MediaRoot);

    public string DefaultConnectionString => $"Data Source={Path.Combine(ResolvedDataDirectory, "vaas.db")}";
}
