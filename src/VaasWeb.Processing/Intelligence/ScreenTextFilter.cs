namespace VaasWeb.Processing.Intelligence;

/// <summary>
/// What of tesseract's reading of a picture is writing. It finds words in any picture, shapes, textures and a
/// test pattern's clock included ("Ee) BO &amp; im", "i ae i ae", "00:00: 13.000}"); real text reads with high
/// confidence and in words of several letters. Thresholds are <see cref="OcrOptions"/>' (<c>Intelligence:Ocr</c>).
/// </summary>
internal static class ScreenTextFilter
{
    /// <summary>Characters that may join the letters and digits inside a word: don't, e-mail, 1,000.50, 10:30, and/or, Q&amp;A, a@b.c.</summary>
    private const string Joiners = "'’-–.,:/&%+@#_";

    /// <summary>
    /// The kept lines of one picture, one per line in reading order (a slide's title is its first), with their
    /// words' mean confidence.
    /// </summary>
    public static FrameText Keep(IEnumerable<OcrWord> page, OcrOptions options)
    {
        var lines = page.GroupBy(w => (w.Block, w.Paragraph, w.Line))
            .Select(line => KeepLine(line.ToArray(), options))
            .Where(line => line.Count > 0)
            .ToArray();
        var words = lines.SelectMany(line => line).ToArray();
        return words.Length == 0
            ? FrameText.None
            : new FrameText(string.Join('\n', lines.Select(line => string.Join(' ', line.Select(w => w.Text)))), words.Where(IsWritten).Average(w => w.Confidence));
    }

    /// <summary>
    /// A line's confident, word-shaped words; none when the line is noise: fewer than half its words kept, mostly
    /// words of one or two characters, no word of two letters (figures alone are mostly clocks, counters and page
    /// numbers, which change every frame), or a mean confidence below <see cref="OcrOptions.MinLineConfidence"/>.
    /// </summary>
    internal static IReadOnlyList<OcrWord> KeepLine(IReadOnlyList<OcrWord> line, OcrOptions options)
    {
        var kept = line.Where(w => IsWordShaped(w.Text) && w.Confidence >= NeededConfidence(w.Text, options)).ToArray();
        var written = kept.Where(IsWritten).ToArray();
        var noise = written.Length == 0
                    || written.Length * 2 < line.Count(IsWritten)
                    || written.Count(w => IsShort(w.Text)) * 2 > written.Length
                    || !written.Any(w => w.Text.Count(char.IsLetter) >= 2)
                    || written.Average(w => w.Confidence) < options.MinLineConfidence;
        return noise ? [] : kept;
    }

    private static double NeededConfidence(string word, OcrOptions options) =>
        IsShort(word) ? Math.Max(options.MinWordConfidence, options.MinShortWordConfidence) : options.MinWordConfidence;

    /// <summary>Letters and digits with at most <see cref="Joiners"/> between them, inside any punctuation ("(Total:)"); or a lone symbol ("&amp;").</summary>
    internal static bool IsWordShaped(string word)
    {
        var start = 0;
        while (start < word.Length && !char.IsLetterOrDigit(word[start]))
        {
            start++;
        }

        var end = word.Length - 1;
        while (end > start && !char.IsLetterOrDigit(word[end]))
        {
            end--;
        }

        for (var i = start; i < end; i++)
        {
            if (!char.IsLetterOrDigit(word[i]) && !Joiners.Contains(word[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsWritten(OcrWord word) => word.Text.Any(char.IsLetterOrDigit);

    private static bool IsShort(string word) => word.Count(char.IsLetterOrDigit) <= 2;
}
