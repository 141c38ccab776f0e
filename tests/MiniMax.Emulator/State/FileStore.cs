using System.Collections.Concurrent;
using MiniMax.Emulator.Media;

namespace MiniMax.Emulator.State;

/// <summary>Every file a client can retrieve: finished videos, speech with output_format "url", uploads.</summary>
public sealed class FileStore(
    NumericIds ids,
    TimeProvider time,
    VideoRenderer renderer,
    EmulatorSettings settings,
    IHostApplicationLifetime lifetime)
{
    public const string VideoFilename = "output_aigc.mp4";
    public const string VideoPurpose = "video_generation";

    private readonly ConcurrentDictionary<long, StoredFile> _files = new();

    public StoredFile? Find(long fileId) => _files.GetValueOrDefault(fileId);

    /// <summary>
    /// The video of a finished task, registered when a query first reports Success. The render starts on the first
    /// retrieve and runs once, whatever the number of concurrent retrieves (a Lazy per file).
    /// </summary>
    public StoredFile AddVideo(VideoTask task) =>
        _files.GetOrAdd(task.FileId, id => new StoredFile(id, VideoFilename, VideoPurpose, time.GetUtcNow(),
            // Shared by every waiting request, so it is cancelled by the app stopping, never by one caller leaving.
            () => renderer.RenderAsync(task, settings.Current.RenderWidth, lifetime.ApplicationStopping)));

    /// <summary>A file whose content is already on disk.</summary>
    public StoredFile AddExisting(string path, string filename, string purpose)
    {
        var file = new StoredFile(ids.Next(), filename, purpose, time.GetUtcNow(), () => Task.FromResult(path));
        _files[file.FileId] = file;
        return file;
    }
}
