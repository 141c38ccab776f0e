using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Failures;

namespace VaasWeb.Processing.Intelligence;

/// <summary>Speech in an audio file, timed from the start of that file.</summary>
/// <param name="WordStarts">When each word of <paramref name="Text"/> (split on spaces) begins, if the recogniser says.</param>
public sealed record SpeechSegment(double StartSeconds, double EndSeconds, string Text, IReadOnlyList<double>? WordStarts = null);

/// <summary>Turns a 16 kHz mono WAV into timed text.</summary>
public interface ITranscriber
{
    /// <summary>A short name for the board ("pocketsphinx", "openai whisper-1").</summary>
    string Name { get; }

    Task<IReadOnlyList<SpeechSegment>> TranscribeAsync(string wavPath, CancellationToken cancellationToken);
}

/// <summary>The text read in one image, and how sure the reader is of it (0–100).</summary>
public sealed record FrameText(string Text, double Confidence)
{
    public static readonly FrameText None = new("", 0);
}

/// <summary>Reads the text visible in images (on-screen text of frames).</summary>
public interface IFrameTextReader
{
    /// <summary>One result per image, in order; <see cref="FrameText.None"/> where there is no text (or only noise).</summary>
    Task<IReadOnlyList<FrameText>> ReadAsync(IReadOnlyList<string> imagePaths, CancellationToken cancellationToken);
}

/// <summary>Describes a picture in one sentence.</summary>
public interface ICaptioner
{
    Task<string> DescribeAsync(string imagePath, CancellationToken cancellationToken);
}

/// <summary>Turns texts into vectors for semantic ranking.</summary>
public interface IEmbedder
{
    /// <summary>One vector per text, in order.</summary>
    Task<IReadOnlyList<float[]>> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken);
}

/// <summary>Answers a prompt with text (a chat completion).</summary>
public interface IChatCompleter
{
    Task<string> CompleteAsync(string systemPrompt, string userPrompt, CancellationToken cancellationToken);
}

/// <summary>
/// A provider refused or failed (HTTP error, bad answer, missing tool). The message says which provider, what
/// status, and what it said; it never contains the API key.
/// </summary>
public sealed class ProviderException(string provider, string message, Exception? inner = null)
    : TaskFailureException(ErrorCodes.ProviderFailed, $"{provider}: {message}", inner)
{
    public string Provider { get; } = provider;
}
