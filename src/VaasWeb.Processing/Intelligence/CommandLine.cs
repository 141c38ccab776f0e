using System.ComponentModel;
using VaasWeb.Processing.Media;

namespace VaasWeb.Processing.Intelligence;

/// <summary>Runs a local reader (pocketsphinx, tesseract) to completion; cancelling kills it.</summary>
internal static class CommandLine
{
    /// <summary>
    /// The tool's standard output. A tool that cannot start, or that fails and then also fails its own check, is
    /// the server's trouble (<see cref="MediaException.ToolUnavailable"/>); otherwise the failure is this input's.
    /// </summary>
    public static async Task<string> RunAsync(ExternalTools tools, ExternalTool tool, IEnumerable<string> args, string provider, CancellationToken cancellationToken)
    {
        int exitCode;
        string output;
        try
        {
            (exitCode, output) = await ExternalTools.RunAsync(tool, args, cancellationToken);
        }
        catch (Win32Exception e)
        {
            throw tools.NotStarted(tool, e);
        }

        if (exitCode != 0)
        {
            await tools.ThrowIfBrokenAsync(tool, null, cancellationToken);
            throw new ProviderException(provider, $"{tool.Name} failed with exit code {exitCode} ({output}).");
        }

        return output;
    }
}
