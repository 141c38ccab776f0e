namespace VaasWeb.Processing.Search;

/// <summary>Where a piece of searchable text came from.</summary>
public enum TextSource
{
    /// <summary>Words spoken in the audio (a transcript segment).</summary>
    Speech,

    /// <summary>Text visible in the picture (OCR of a frame).</summary>
    ScreenText,

    /// <summary>A one-sentence description of a frame by a vision model.</summary>
    Caption,
}

/// <summary>
/// Text found in a video over [Start, End): what people search and what questions are answered from.
/// Speech segments keep the audio chunk they came from; picture text keeps its frame.
/// </summary>
public sealed class TextSegment(Guid videoId, TextSource source, double startSeconds, double endSeconds, string text)
{
    public long Id { get; private set; }
    public Guid VideoId { get; private set; } = videoId;
    public TextSource Source { get; private set; } = source;
    public double StartSeconds { get; private set; } = startSeconds;
    public double EndSeconds { get; private set; } = endSeconds;
    public string Text { get; private set; } = text;

    /// <summary>The frame the text was read from or describes (on-screen text, captions).</summary>
    public long? FrameId { get; init; }

    /// <summary>The audio chunk the words were heard in (speech).</summary>
    public int? ChunkIndex { get; init; }

    /// <summary>
    /// When each word of <see cref="Text"/> (split on spaces) begins, in video seconds, space-separated; null when
    /// the recogniser gave no word timings.
    /// </summary>
    public string? WordStarts { get; init; }

    public static string? PackWordStarts(IEnumerable<double>? starts) =>
        starts is null ? null : string.Join(' ', starts.Select(s => s.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture))) is { Length: > 0 } packed ? packed : null;

    /// <summary>
    /// The moment in the segment where its <paramref name="wordIndex"/>-th word is said: its own timing when known,
    /// else where it falls if the words were evenly spread over the segment.
    /// </summary>
    public double MomentOfWord(int wordIndex)
    {
        var words = Text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (wordIndex <= 0 || words.Length == 0)
        {
            return StartSeconds;
        }

        var starts = WordStarts?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (starts is not null && starts.Length == words.Length && wordIndex < starts.Length
            && double.TryParse(starts[wordIndex], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var start))
        {
            return Math.Clamp(start, StartSeconds, EndSeconds);
        }

        var charsBefore = words.Take(Math.Min(wordIndex, words.Length)).Sum(w => w.Length + 1);
        var total = words.Sum(w => w.Length + 1);
        return StartSeconds + (EndSeconds - StartSeconds) * charsBefore / total;
    }
}

/// <summary>A segment's embedding vector, for semantic ranking when an embeddings endpoint is configured.</summary>
public sealed class TextEmbedding(long textSegmentId, Guid videoId, byte[] vector)
{
    public long TextSegmentId { get; private set; } = textSegmentId;
    public Guid VideoId { get; private set; } = videoId;

    /// <summary>float32 little-endian components.</summary>
    public byte[] Vector { get; private set; } = vector;

    public static byte[] Pack(float[] vector) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan()).ToArray();

    public float[] Unpack() => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(Vector).ToArray();
}
