using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using FFMpegCore;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Intelligence;

namespace VaasWeb.Processing.Media;

/// <summary>A program VaasWeb runs, how to see that it works, and what an operator does when it does not.</summary>
/// <param name="Name">What people call it (ffprobe, tesseract).</param>
/// <param name="Command">The executable: a name found on PATH, or a path from a setting.</param>
/// <param name="CheckArguments">A run that proves the tool works without any input of ours.</param>
/// <param name="Remedy">What to install or set, naming the Debian package and the setting.</param>
/// <param name="Environment">Variables set for every run of it.</param>
public sealed record ExternalTool(string Name, string Command, IReadOnlyList<string> CheckArguments, string Remedy,
    IReadOnlyDictionary<string, string>? Environment = null);

/// <summary>A tool as a check found it: working (with its version line), or what is wrong with it.</summary>
public sealed record ToolStatus(ExternalTool Tool, bool Works, string Description)
{
    /// <summary>For people and API clients: what is wrong and what to do, without server paths.</summary>
    public string Problem => $"{Description}; {Tool.Remedy}";
}

/// <summary>
/// The external programs (ffmpeg, ffprobe, tesseract, pocketsphinx) and whether they work now. When a tool run
/// fails, this is what tells "the server's tool is broken" (503, <see cref="MediaException.ToolUnavailable"/>)
/// from "the input is bad" (415): the tool is asked to do its check run, which needs no input of ours.
/// </summary>
public sealed class ExternalTools
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a passed check counts for an ingestion's preflight, as long as the tool's file is the same one
    /// (a tool replaced, removed or reinstalled is checked again at once).
    /// </summary>
    private static readonly TimeSpan TrustWorkingFor = TimeSpan.FromMinutes(1);

    private readonly IOptions<IntelligenceOptions> _intelligence;
    private readonly TimeProvider _clock;
    private static readonly string[] VersionArguments = ["-version"];

    private const string FfmpegRemedy = "install ffmpeg (apt-get install ffmpeg) or set Media:FfmpegFolder to a folder holding a working ffmpeg and ffprobe";

    private readonly ConcurrentDictionary<string, (string? File, DateTimeOffset At)> _workedAt = new();
    private readonly FFOptions _ffmpegFolder;

    public ExternalTools(IOptions<MediaOptions> media, IOptions<IntelligenceOptions> intelligence, TimeProvider clock)
    {
        _intelligence = intelligence;
        _clock = clock;
        _ffmpegFolder = new FFOptions { BinaryFolder = media.Value.FfmpegFolder ?? "" };
        // One thread each: tesseract's OpenMP threads wait by spinning, which costs more than it gives beside another reader or
        // pocketsphinx (and even alone: one 16-frame batch took 0.52 s instead of 0.67 s on 2 cores; two side by side, 0.52 s).
        Tesseract = new ExternalTool("tesseract", "tesseract", ["--list-langs"], "install tesseract (apt-get install tesseract-ocr tesseract-ocr-eng)",
            new Dictionary<string, string> { ["OMP_THREAD_LIMIT"] = "1" });
        // Loading the model is what breaks when a package is half installed; an empty input proves it loads.
        PocketSphinx = new ExternalTool("pocketsphinx", "pocketsphinx_continuous", ["-infile", "/dev/null", "-logfn", "/dev/null"],
            "install pocketsphinx (apt-get install pocketsphinx pocketsphinx-en-us) or set Intelligence:Speech:Provider to OpenAi");
    }

    // Found the way FFMpegCore finds them on every run: in Media:FfmpegFolder, else on PATH.
    public ExternalTool Ffmpeg => new("ffmpeg", GlobalFFOptions.GetFFMpegBinaryPath(_ffmpegFolder), VersionArguments, FfmpegRemedy);
    public ExternalTool Ffprobe => new("ffprobe", GlobalFFOptions.GetFFProbeBinaryPath(_ffmpegFolder), VersionArguments, FfmpegRemedy);
    public ExternalTool Tesseract { get; }
    public ExternalTool PocketSphinx { get; }

    /// <summary>Every tool an ingestion runs with the current settings.</summary>
    public IReadOnlyList<ExternalTool> ForIngestion =>
        _intelligence.Value.Speech.Provider == SpeechProvider.PocketSphinx ? [Ffmpeg, Ffprobe, Tesseract, PocketSphinx] : [Ffmpeg, Ffprobe, Tesseract];

    /// <summary>Runs the tool's check now.</summary>
    public async Task<ToolStatus> CheckAsync(ExternalTool tool, CancellationToken cancellationToken)
    {
        var (exitCode, output) = (0, "");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CheckTimeout);
        try
        {
            (exitCode, output) = await RunAsync(tool, tool.CheckArguments, timeout.Token);
        }
        catch (Win32Exception)
        {
            return new ToolStatus(tool, false, $"{tool.Name} is not installed or not found");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ToolStatus(tool, false, $"{tool.Name} did not answer its check within {CheckTimeout.TotalSeconds:0} s");
        }

        if (exitCode != 0)
        {
            return new ToolStatus(tool, false, $"{tool.Name} does not run (exit code {exitCode})");
        }

        if (tool.Name == Tesseract.Name && MissingLanguages(output) is { Count: > 0 } missing)
        {
            var packages = string.Join(" ", missing.Select(l => $"tesseract-ocr-{l}"));
            return new ToolStatus(tool with { Remedy = $"install its data (apt-get install {packages}) or change Intelligence:Ocr:Language" }, false,
                $"tesseract has no language data for {string.Join(", ", missing)}");
        }

        var firstLine = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        var version = tool.Name == Tesseract.Name ? $"tesseract ({_intelligence.Value.Ocr.Language})"
            : tool.Name == PocketSphinx.Name ? "pocketsphinx (en-us)"
            : firstLine ?? tool.Name;
        _workedAt[tool.Name] = (FileIdentity(tool), _clock.GetUtcNow());
        return new ToolStatus(tool, true, version);
    }

    /// <summary>Throws <see cref="MediaException.ToolUnavailable"/> naming every tool of <paramref name="tools"/> that does not work.</summary>
    public async Task RequireAsync(IEnumerable<ExternalTool> tools, CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        var broken = new List<ToolStatus>();
        foreach (var tool in tools)
        {
            if (_workedAt.TryGetValue(tool.Name, out var worked) && now - worked.At < TrustWorkingFor && worked.File == FileIdentity(tool))
            {
                continue;
            }

            if (await CheckAsync(tool, cancellationToken) is { Works: false } status)
            {
                broken.Add(status);
            }
        }

        if (broken.Count > 0)
        {
            throw Unavailable(broken);
        }
    }

    /// <summary>After <paramref name="tool"/> failed on some input: throws when the tool itself is broken, so the input is not blamed.</summary>
    public async Task ThrowIfBrokenAsync(ExternalTool tool, Exception? failure, CancellationToken cancellationToken)
    {
        _workedAt.TryRemove(tool.Name, out _);
        if (await CheckAsync(tool, cancellationToken) is { Works: false } status)
        {
            throw Unavailable([status], failure);
        }
    }

    /// <summary>The failure of a tool that could not even be started.</summary>
    public MediaException NotStarted(ExternalTool tool, Exception failure)
    {
        _workedAt.TryRemove(tool.Name, out _);
        return Unavailable([new ToolStatus(tool, false, $"{tool.Name} is not installed or not found")], failure);
    }

    private static MediaException Unavailable(IReadOnlyList<ToolStatus> broken, Exception? inner = null) =>
        new(MediaException.ToolUnavailable,
            $"The server cannot do this work now: {string.Join("; and ", broken.Select(b => b.Problem))}.", inner);

    /// <summary>Runs a tool to completion and returns its exit code and standard output; cancelling kills it.</summary>
    internal static async Task<(int ExitCode, string Output)> RunAsync(ExternalTool tool, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(tool.Command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in tool.Environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var text = await output;
        return (process.ExitCode, process.ExitCode == 0 ? text : LastLines(await errors));
    }

    /// <summary>The file a tool runs (links followed), its size and time; null when there is none.</summary>
    private static string? FileIdentity(ExternalTool tool)
    {
        var path = Path.IsPathRooted(tool.Command)
            ? tool.Command
            : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(folder => Path.Combine(folder, tool.Command))
                .FirstOrDefault(File.Exists);
        if (path is null || !File.Exists(path))
        {
            return null;
        }

        var file = new FileInfo(path);
        var target = file.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? file;
        return $"{target.FullName} {target.Length} {target.LastWriteTimeUtc.Ticks}";
    }

    private List<string> MissingLanguages(string listing)
    {
        var installed = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1).ToHashSet(StringComparer.Ordinal);
        return _intelligence.Value.Ocr.Language.Split('+', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(language => !installed.Contains(language))
            .ToList();
    }

    private static string LastLines(string errors) =>
        FfmpegMediaTool.Summarise(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(2).ToArray());
}
