using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Media;

namespace VaasWeb.Processing.Intelligence;

/// <summary>
/// Offline OCR with tesseract. All images go to one tesseract run (it reads a list of files and separates the
/// pages with form feeds), which saves a process start per frame.
/// </summary>
public sealed partial class TesseractFrameTextReader(IOptions<IntelligenceOptions> options, ExternalTools tools) : IFrameTextReader
{
    public async Task<IReadOnlyList<string>> ReadAsync(IReadOnlyList<string> imagePaths, CancellationToken cancellationToken)
    {
        if (imagePaths.Count == 0)
        {
            return [];
        }

        var list = Path.Combine(Path.GetTempPath(), $"vaas-ocr-{Guid.NewGuid():N}.txt");
        try
        {
            await File.WriteAllLinesAsync(list, imagePaths, cancellationToken);
            var output = await CommandLine.RunAsync(tools, tools.Tesseract, [list, "stdout", "-l", options.Value.Ocr.Language, "--psm", "3"], "tesseract", cancellationToken);
            var pages = output.Split('\f');
            return imagePaths.Select((_, i) => i < pages.Length ? Clean(pages[i]) : "").ToArray();
        }
        finally
        {
            File.Delete(list);
        }
    }

    /// <summary>One line of words; OCR noise (lines without a letter or digit run of two) dropped.</summary>
    internal static string Clean(string page)
    {
        var lines = page.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => Meaningful().IsMatch(line));
        return Whitespace().Replace(string.Join(' ', lines), " ").Trim();
    }

    [GeneratedRegex(@"[\p{L}\p{N}]{2,}")]
    private static partial Regex Meaningful();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
