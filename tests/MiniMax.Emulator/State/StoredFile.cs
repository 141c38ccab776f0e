namespace MiniMax.Emulator.State;

/// <summary>
/// A file the emulator can hand out. Its content may not exist yet (a video is rendered when first retrieved):
/// concurrent callers share one production, and a failed one is retried by the next caller.
/// </summary>
public sealed class StoredFile
{
    private readonly Func<Task<string>> _produce;
    private Lazy<Task<string>> _content;

    public StoredFile(long fileId, string filename, string purpose, DateTimeOffset createdAt, Func<Task<string>> produce)
    {
        FileId = fileId;
        Filename = filename;
        Purpose = purpose;
        CreatedAt = createdAt;
        _produce = produce;
        _content = new Lazy<Task<string>>(produce);
    }

    public long FileId { get; }

    public string Filename { get; }

    public string Purpose { get; }

    public DateTimeOffset CreatedAt { get; }

    /// <summary>The content's path once it exists.</summary>
    public async Task<string> ContentAsync()
    {
        var content = Volatile.Read(ref _content);
        try
        {
            return await content.Value;
        }
        catch
        {
            Interlocked.CompareExchange(ref _content, new Lazy<Task<string>>(_produce), content);
            throw;
        }
    }

    public string ContentType => Path.GetExtension(Filename).ToLowerInvariant() switch
    {
        ".mp4" => "video/mp4",
        ".mp3" => "audio/mpeg",
        ".wav" => "audio/wav",
        ".flac" => "audio/flac",
        ".m4a" => "audio/mp4",
        _ => "application/octet-stream",
    };
}
