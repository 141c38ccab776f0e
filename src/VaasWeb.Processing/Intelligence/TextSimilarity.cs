namespace VaasWeb.Processing.Intelligence;

/// <summary>How alike two readings of a picture are, ignoring case and spacing.</summary>
internal static class TextSimilarity
{
    /// <summary>1 − the edit distance (Levenshtein) over the longer text's length: 1 for the same text, 0 for nothing alike.</summary>
    public static double Of(string a, string b)
    {
        var x = Normalize(a);
        var y = Normalize(b);
        var longer = Math.Max(x.Length, y.Length);
        return longer == 0 ? 1 : 1 - (double)Distance(x, y) / longer;
    }

    private static string Normalize(string text) =>
        string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();

    /// <summary>The fewest single-character insertions, deletions and substitutions turning one into the other (two rows of the table).</summary>
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
