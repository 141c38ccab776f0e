namespace VaasWeb.Tests.Unit.Support;

/// <summary>
/// A <c>Media:FfmpegFolder</c> holding links to the real ffmpeg and ffprobe, whose ffprobe a test can break
/// (a script that exits 127, as a binary with a missing library does) or remove while the app runs.
/// </summary>
public sealed class ToolFolder
{
    private const string BrokenScript = "#!/bin/sh\necho \"ffprobe: error while loading shared libraries: libavdevice.so.59: cannot open shared object file\" >&2\nexit 127\n";

    public ToolFolder(string path)
    {
        Path = path;
        Directory.CreateDirectory(path);
        File.CreateSymbolicLink(FfmpegPath, OnPath("ffmpeg"));
        File.CreateSymbolicLink(FfprobePath, OnPath("ffprobe"));
    }

    public string Path { get; }

    private string FfmpegPath => System.IO.Path.Combine(Path, "ffmpeg");

    private string FfprobePath => System.IO.Path.Combine(Path, "ffprobe");

    public void BreakFfprobe()
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("A broken ffprobe is a shell script.");
        }

        File.Delete(FfprobePath);
        File.WriteAllText(FfprobePath, BrokenScript);
        File.SetUnixFileMode(FfprobePath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public void RemoveFfprobe() => File.Delete(FfprobePath);

    public void RepairFfprobe()
    {
        File.Delete(FfprobePath);
        File.CreateSymbolicLink(FfprobePath, OnPath("ffprobe"));
    }

    private static string OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator)
        .Select(folder => System.IO.Path.Combine(folder, tool))
        .First(File.Exists);
}
