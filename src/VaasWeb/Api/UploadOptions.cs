namespace VaasWeb.Api;

/// <summary>Upload limits. Section <c>Upload</c>.</summary>
public sealed class UploadOptions
{
    public const string Section = "Upload";

    /// <summary>Largest accepted video, in bytes. Default 4 GiB.</summary>
    public long MaxBytes { get; set; } = 4L * 1024 * 1024 * 1024;
}
