using VaasWeb.Processing.Media;
using VaasWeb.Processing.Storage;

namespace VaasWeb.Processing.Ingestion;

/// <summary>What the steps of one ingestion share: where the video is, where outputs go, what the probe found.</summary>
public sealed class IngestionRun(Guid taskId, Guid videoId, string videoPath, string derivedRelativeDirectory, MediaStorage storage)
{
    public Guid TaskId { get; } = taskId;
    public Guid VideoId { get; } = videoId;

    /// <summary>Absolute path of the video file.</summary>
    public string VideoPath { get; } = videoPath;

    public MediaStorage Storage { get; } = storage;

    /// <summary>Set by the probe step; later steps read it.</summary>
    public MediaInfo? Media { get; set; }

    public MediaInfo RequireMedia() => Media ?? throw new InvalidOperationException("The probe step must run before this one.");

    /// <summary>A fresh, empty folder for a step's outputs, relative to the media root.</summary>
    public string NewStepDirectory(string name)
    {
        var relative = $"{derivedRelativeDirectory}/{name}";
        var absolute = Storage.ToAbsolute(relative);
        if (Directory.Exists(absolute))
        {
            Directory.Delete(absolute, recursive: true);
        }

        Directory.CreateDirectory(absolute);
        return relative;
    }

    public string DerivedFile(string name) => $"{derivedRelativeDirectory}/{name}";
}
