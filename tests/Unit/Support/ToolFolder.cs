namespace VaasWeb.Tests.Unit.Support;

/// <summary>
/// A <c>Media:FfmpegFolder</c> holding links to the real ffmpeg and ffprobe, whose ffprobe a test can break
/// (a script that exits 127, as a binary with a missing library does) or remove while the app runs, and whose ffmpeg
/// a test can make hang on some work (a script that never answers) while it still passes its check.
/// </summary>
public sealed class ToolFolder
{
    private const string BrokenScript = "#!/bin/sh\necho \"ffprobe: error while loading shared libraries: libavdevice.so.59: cannot open shared object file\" >&2\nexit 127\n";

    private readonly List<string> _hangOn = [];

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

    /// <summary>
    /// From now on, an ffmpeg run with an argument containing <paramref name="fragment"/> (or a fragment of an earlier
    /// call) never answers: it becomes a <c>sleep</c> (the same process, so killing it ends it) whose command line starts
    /// with "ffmpeg (hanging)" followed by the arguments, so <see cref="FfmpegProcesses.Matching"/> finds it. Every other
    /// run (its check, other work) is the real ffmpeg.
    /// </summary>
    public void HangFfmpegOn(string fragment)
    {
        if (OperatingSystem.IsWindows() || fragment.Contains('"') || fragment.Contains('$') || fragment.Contains('`'))
        {
            throw new NotSupportedException("A hanging ffmpeg is a bash script matching a plain fragment.");
        }

        _hangOn.Add(fragment);
        var cases = string.Join("\n", _hangOn.Select(f => $"    *\"{f}\"*) exec -a \"ffmpeg (hanging) $*\" sleep 86400 ;;"));
        var script = $$"""
            #!/bin/bash
            for argument in "$@"; do
              case "$argument" in
            {{cases}}
              esac
            done
            exec "{{OnPath("ffmpeg")}}" "$@"

            """;
        File.Delete(FfmpegPath);
        File.WriteAllText(FfmpegPath, script);
        File.SetUnixFileMode(FfmpegPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
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
