using Microsoft.Extensions.Options;

namespace MiniMax.Emulator.Media;

/// <summary>
/// Where uploads, first frames and renders go: <c>Emulator:DataDirectory</c> when set (kept), else the emulator's own
/// temp folder, deleted when the app stops.
/// </summary>
public sealed class WorkFolder : IDisposable
{
    private readonly bool _owned;

    public WorkFolder(IOptions<EmulatorOptions> options)
    {
        if (options.Value.DataDirectory is { Length: > 0 } configured)
        {
            Path = Directory.CreateDirectory(configured).FullName;
        }
        else
        {
            Path = Directory.CreateTempSubdirectory("minimax-emulator-").FullName;
            _owned = true;
        }
    }

    public string Path { get; }

    /// <summary>A fresh, unused file name with the given extension (".mp4").</summary>
    public string NewFile(string extension) => System.IO.Path.Combine(Path, $"{Guid.NewGuid():N}{extension}");

    public void Dispose()
    {
        if (!_owned)
        {
            return;
        }

        try
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
        }
        catch (IOException)
        {
            // A render being killed may still hold a file for a moment; the OS temp cleaner gets it later.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
