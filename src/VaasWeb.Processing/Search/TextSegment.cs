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
