using System.Text;
using System.Text.RegularExpressions;

namespace VaasWeb.Processing.Search;

/// <summary>One thing a person asked for: words that must appear together, the last one perhaps unfinished.</summary>
public sealed record SearchTerm(IReadOnlyList<string> Words, bool Prefix);

/// <summary>
/// Turns what a person typed into a full-text query that cannot fail to parse: every word must appear (in any
/// form the stemmer joins), "quoted words" must appear together, and the last word may be unfinished. The parse is
/// shared; <see cref="Build"/> writes it for FTS5 and <see cref="BuildTsQuery"/> for PostgreSQL's <c>to_tsquery</c>.
/// </summary>
public static partial class FtsQuery
{
    /// <summary>The terms in <paramref name="input"/>, each of letters and digits only; empty when there are none.</summary>
    public static IReadOnlyList<SearchTerm> Parse(string? input)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            return [];
        }

        var terms = new List<SearchTerm>();
        foreach (Match match in PhraseOrWord().Matches(input))
        {
            var words = Words().Matches(match.Value).Select(w => w.Value.ToLowerInvariant()).ToArray();
            if (words.Length > 0)
            {
                terms.Add(new SearchTerm(words, Prefix: false));
            }
        }

        if (terms.Count == 0)
        {
            return [];
        }

        // As-you-type: the last bare word also matches longer words ("quart" finds "quarterly").
        var last = PhraseOrWord().Matches(input)[^1].Value;
        if (!last.StartsWith('"') && !char.IsWhiteSpace(input[^1]))
        {
            terms[^1] = terms[^1] with { Prefix = true };
        }

        return terms;
    }

    /// <summary>An FTS5 MATCH expression, or null when nothing is asked for.</summary>
    public static string? Build(string? input)
    {
        var terms = Parse(input);
        return terms.Count == 0
            ? null
            : string.Join(' ', terms.Select(t => Quote(string.Join(' ', t.Words)) + (t.Prefix ? "*" : "")));
    }

    /// <summary>
    /// A <c>to_tsquery</c> text: terms joined by <c>&amp;</c>, a phrase's words by <c>&lt;-&gt;</c>, an unfinished last
    /// word as <c>:*</c>. Every word is quoted and holds only letters and digits, so no input becomes an operator.
    /// </summary>
    public static string? BuildTsQuery(string? input)
    {
        var terms = Parse(input);
        return terms.Count == 0
            ? null
            : string.Join(" & ", terms.Select(t => string.Join(" <-> ", t.Words.Select(w => $"'{w}'")) + (t.Prefix ? ":*" : "")));
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
