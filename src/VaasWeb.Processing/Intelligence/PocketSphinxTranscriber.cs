using System.Globalization;
using VaasWeb.Processing.Media;

namespace VaasWeb.Processing.Intelligence;

/// <summary>
/// Offline speech-to-text with Debian's pocketsphinx (en-us model). Word timings split the chunk into
/// utterances, so a hit points at the moment the words are said, not just at the chunk.
/// </summary>
public sealed class PocketSphinxTranscriber(ExternalTools tools) : ITranscriber
{
    private static readonly HashSet<string> Fillers = ["<s>", "</s>", "<sil>", "[SPEECH]", "[NOISE]", "[BREATH]", "[COUGH]", "[UH]", "[UM]", "[SMACK]"];

    public string Name => "pocketsphinx";

    public async Task<IReadOnlyList<SpeechSegment>> TranscribeAsync(string wavPath, CancellationToken cancellationToken)
    {
        var output = await CommandLine.RunAsync(tools, tools.PocketSphinx, ["-infile", wavPath, "-time", "yes", "-logfn", "/dev/null"],
            Name, cancellationToken);
        return Parse(output);
    }

    /// <summary>
    /// The <c>-time yes</c> output: per utterance a line of text, then "word start end confidence" lines between
    /// &lt;s&gt; and &lt;/s&gt;. Alternate pronunciations come as "word(2)".
    /// </summary>
    internal static IReadOnlyList<SpeechSegment> Parse(string output)
    {
        var segments = new List<SpeechSegment>();
        var words = new List<(string Word, double Start, double End)>();
        void Close()
        {
            if (words.Count > 0)
            {
                segments.Add(new SpeechSegment(words[0].Start, words[^1].End, string.Join(' ', words.Select(w => w.Word)), words.Select(w => w.Start).ToArray()));
                words.Clear();
            }
        }

        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 4
                || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var start)
                || !double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var end))
            {
                continue; // the utterance's plain text line
            }

            var word = parts[0];
            if (word == "</s>")
            {
                Close();
            }
            else if (!Fillers.Contains(word))
            {
                var paren = word.IndexOf('(');
                words.Add((paren > 0 ? word[..paren] : word, start, end));
            }
        }

        Close();
        return segments;
    }
}
