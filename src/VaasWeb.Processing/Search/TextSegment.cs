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

    /// <summary>
    /// The vector, int8-quantized: a tag byte, the scale (float32, little-endian), then one signed byte per component
    /// (component ≈ byte × scale). 389 bytes for MiniLM's 384 dimensions instead of 1,536; rankings by cosine are the
    /// same to the second decimal. Rows written before quantization (and vectors whose length is not a multiple of 4)
    /// hold plain float32 components and still read.
    /// </summary>
    public byte[] Vector { get; private set; } = vector;

    private const byte Int8Tag = 0x71;

    private const int HeaderBytes = 5;

    public static byte[] Pack(float[] vector)
    {
        if (vector.Length % 4 != 0)
        {
            // Every model we know has a multiple of 4 dimensions; the rare other one is kept whole, and told apart by length.
            return System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan()).ToArray();
        }

        var largest = 0f;
        foreach (var component in vector)
        {
            largest = Math.Max(largest, Math.Abs(component));
        }

        var scale = largest > 0 ? largest / 127 : 1;
        var packed = new byte[HeaderBytes + vector.Length];
        packed[0] = Int8Tag;
        System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(packed.AsSpan(1), scale);
        for (var i = 0; i < vector.Length; i++)
        {
            packed[HeaderBytes + i] = unchecked((byte)(sbyte)Math.Clamp(MathF.Round(vector[i] / scale), -127, 127));
        }

        return packed;
    }

    public float[] Unpack() => Unpack(Vector);

    public static float[] Unpack(byte[] packed)
    {
        // float32 rows are a multiple of 4 bytes long; quantized ones are 5 bytes plus a multiple of 4 components.
        if (packed.Length % 4 != 1 || packed[0] != Int8Tag)
        {
            return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(packed).ToArray();
        }

        var scale = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(packed.AsSpan(1));
        var vector = new float[packed.Length - HeaderBytes];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = unchecked((sbyte)packed[HeaderBytes + i]) * scale;
        }

        return vector;
    }
}
