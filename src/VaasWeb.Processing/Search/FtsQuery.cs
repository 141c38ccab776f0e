using System.Text;
using System.Text.RegularExpressions;

namespace VaasWeb.Processing.Search;

/// <summary>
/// Turns what a person typed into an FTS5 query that cannot fail to parse: every word must appear (in any
/// form the stemmer joins), "quoted words" must appear together, and the last word may be unfinished.
/// </summary>
public static partial class FtsQuery
{
    public static string? Build(string? input)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            return null;
        }

        var parts = new List<string>();
        foreach (Match match in PhraseOrWord().Matches(input))
        {
            var words = Words().Matches(match.Value).Select(w => w.Value.ToLowerInvariant()).ToArray();
            if (words.Length > 0)
            {
                parts.Add(Quote(string.Join(' ', words)));
            }
        }

        if (parts.Count == 0)
        {
            return null;
        }

        // As-you-type: the last bare word also matches longer words ("quart" finds "quarterly").
        var last = PhraseOrWord().Matches(input)[^1].Value;
        if (!last.StartsWith('"') && !char.IsWhiteSpace(input[^1]))
        {
            parts[^1] += "*";
        }

        return string.Join(' ', parts);
    }

    private static string Quote(string text)
    {
        var quoted = new StringBuilder("\"");
        quoted.Append(text.Replace("\"", "\"\""));
        return quoted.Append('"').ToString();
    }

    [GeneratedRegex(@"""[^""]*""?|[^\s""]+")]
    private static partial Regex PhraseOrWord();

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex Words();
}
