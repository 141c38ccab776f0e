using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Ingestion;

namespace VaasWeb.Processing.Intelligence.OpenAi;

/// <summary><see cref="ITranscriber"/> on an OpenAI-compatible <c>/v1/audio/transcriptions</c> endpoint (OpenAI whisper, whisper.cpp, faster-whisper servers).</summary>
public sealed class OpenAiTranscriber : ITranscriber
{
    private readonly OpenAiHttp _http;

    public OpenAiTranscriber(HttpClient httpClient, IOptions<IntelligenceOptions> options)
    {
        var speech = options.Value.Speech;
        Name = OpenAiHttp.Blank(speech.Model) is { } model ? $"openai {model}" : "openai";
        _http = new OpenAiHttp(httpClient, speech, Name, "Intelligence:Speech");
    }

    public string Name { get; }

    public async Task<IReadOnlyList<SpeechSegment>> TranscribeAsync(string wavPath, CancellationToken cancellationToken)
    {
        await using var audio = File.OpenRead(wavPath);
        using var form = new MultipartFormDataContent();
        // A seekable stream: StreamContent rewinds it when the resilience pipeline sends the request again.
        var file = new StreamContent(audio);
        file.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        form.Add(file, "file", Path.GetFileName(wavPath));
        if (_http.Model is { } model)
        {
            form.Add(new StringContent(model), "model");
        }

        form.Add(new StringContent("verbose_json"), "response_format");

        var answer = await _http.PostAsync<Transcription>("v1/audio/transcriptions", form, cancellationToken);
        if (answer.Segments is { Count: > 0 } segments)
        {
            return segments
                .Where(s => !string.IsNullOrWhiteSpace(s.Text))
                .Select(s => new SpeechSegment(s.Start, s.End, s.Text!.Trim()))
                .ToArray();
        }

        if (answer.Text is null)
        {
            throw _http.Fail("the answer had neither text nor segments");
        }

        // Servers that ignore verbose_json give the words without times: they span the whole file.
        var text = answer.Text.Trim();
        return text.Length == 0 ? [] : [new SpeechSegment(0, WavFile.Open(wavPath).Duration.TotalSeconds, text)];
    }

    private sealed record Transcription(string? Text, IReadOnlyList<TranscriptionSegment>? Segments);

    private sealed record TranscriptionSegment(double Start, double End, string? Text);
}
