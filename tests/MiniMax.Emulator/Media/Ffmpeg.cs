using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace MiniMax.Emulator.Media;

/// <summary>Runs ffmpeg and ffprobe. Renders are CPU-heavy, so at most <c>Emulator:MaxConcurrentRenders</c> run at once.</summary>
public sealed class Ffmpeg(IOptions<EmulatorOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _renders = new(Math.Max(1, options.Value.MaxConcurrentRenders));

    public async Task RenderAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        await _renders.WaitAsync(cancellationToken);
        try
        {
            await RunAsync("ffmpeg", ["-v", "error", "-nostdin", "-y", .. args], cancellationToken);
        }
        finally
        {
            _renders.Release();
        }
    }

    /// <summary>A media file's duration in seconds as ffprobe reads it; 0 when it has none (silence from no words).</summary>
    public async Task<double> DurationAsync(string path, CancellationToken cancellationToken)
    {
        var output = await RunAsync("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path], cancellationToken);
        return double.TryParse(output.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) ? seconds : 0;
    }

    public void Dispose() => _renders.Dispose();

    private static async Task<string> RunAsync(string tool, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start");
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} exited with {process.ExitCode}: {(await errors).Trim()}");
        }

        return await output;
    }
}
