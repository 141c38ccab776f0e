using System.Globalization;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Media;

namespace VaasWeb.Processing.Intelligence;

/// <summary>A word tesseract read: its line (page = image, block, paragraph, line) and its confidence (0–100).</summary>
internal sealed record OcrWord(int Page, int Block, int Paragraph, int Line, double Confidence, string Text);

/// <summary>
/// Offline OCR with tesseract. All images go to one tesseract run (it reads a list of files as the pages of one
/// document), which saves a process start per frame. Its TSV output gives each word's confidence, which
/// <see cref="ScreenTextFilter"/> uses to drop what it made of shapes and textures.
/// </summary>
public sealed class TesseractFrameTextReader(IOptions<IntelligenceOptions> options, ExternalTools tools) : IFrameTextReader
{
    private const string TsvHeader = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext";
    private const int WordLevel = 5;

    public async Task<IReadOnlyList<FrameText>> ReadAsync(IReadOnlyList<string> imagePaths, CancellationToken cancellationToken)
    {
        if (imagePaths.Count == 0)
        {
            return [];
        }

        var list = Path.Combine(Path.GetTempPath(), $"vaas-ocr-{Guid.NewGuid():N}.txt");
        try
        {
            await File.WriteAllLinesAsync(list, imagePaths, cancellationToken);
            var ocr = options.Value.Ocr;
            var output = await CommandLine.RunAsync(tools, tools.Tesseract, [list, "stdout", "-l", ocr.Language, "--psm", "3", "tsv"], "tesseract", cancellationToken);
            var pages = ParseTsv(output).ToLookup(w => w.Page);
            return imagePaths.Select((_, i) => ScreenTextFilter.Keep(pages[i + 1], ocr)).ToArray();
        }
        finally
        {
            File.Delete(list);
        }
    }

    /// <summary>The words of tesseract's TSV output in reading order (the rows for pages, blocks and lines hold no text).</summary>
    internal static IReadOnlyList<OcrWord> ParseTsv(string tsv)
    {
        var rows = tsv.Split('\n').Select(row => row.TrimEnd('\r')).Where(row => row.Length > 0).ToArray();
        if (rows.Length == 0)
        {
            return [];
        }

        if (rows[0] != TsvHeader)
        {
            throw new ProviderException("tesseract", $"its TSV output does not start with the expected header (got \"{Shorten(rows[0])}\").");
        }

        var words = new List<OcrWord>();
        foreach (var (row, number) in rows.Skip(1).Select((row, i) => (row, i + 2)))
        {
            var cells = row.Split('\t');
            if (cells.Length != 12 || !int.TryParse(cells[0], CultureInfo.InvariantCulture, out var level)
                || !int.TryParse(cells[1], CultureInfo.InvariantCulture, out var page) || !int.TryParse(cells[2], CultureInfo.InvariantCulture, out var block)
                || !int.TryParse(cells[3], CultureInfo.InvariantCulture, out var paragraph) || !int.TryParse(cells[4], CultureInfo.InvariantCulture, out var line)
                || !double.TryParse(cells[10], NumberStyles.Float, CultureInfo.InvariantCulture, out var confidence))
            {
                throw new ProviderException("tesseract", $"line {number} of its TSV output is not 12 columns of level, page, block, paragraph, line, word, box, confidence and text (got \"{Shorten(row)}\").");
            }

            if (level == WordLevel && cells[11].Trim() is { Length: > 0 } text)
            {
                words.Add(new OcrWord(page, block, paragraph, line, confidence, text));
            }
        }

        return words;
    }

    private static string Shorten(string row) => row.Length <= 80 ? row : $"{row[..80]}…";
}
