using System.ComponentModel;
using System.Diagnostics;

namespace VaasWeb.Processing.Intelligence;

/// <summary>Runs a local tool (pocketsphinx, tesseract) to completion; cancelling kills it.</summary>
internal static class CommandLine
{
    public static async Task<string> RunAsync(string tool, IEnumerable<string> args, string provider, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception e)
        {
            throw new ProviderException(provider, $"{tool} is not installed (Debian: apt-get install {PackageOf(tool)}).", e);
        }

        using (process)
        {
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

            if (process.ExitCode != 0)
            {
                var lastLines = string.Join(" ", (await errors).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(2));
                throw new ProviderException(provider, $"{tool} failed with exit code {process.ExitCode} ({lastLines}).");
            }

            return await output;
        }
    }

    private static string PackageOf(string tool) => tool switch
    {
        "pocketsphinx_continuous" => "pocketsphinx pocketsphinx-en-us",
        "tesseract" => "tesseract-ocr tesseract-ocr-eng",
        _ => tool,
    };
}
