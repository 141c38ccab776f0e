using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Intelligence.OpenAi;
using VaasWeb.Processing.Settings;

namespace VaasWeb.Processing.Intelligence;

internal static class IntelligenceServiceCollectionExtensions
{
    /// <summary>Each capability's provider, chosen by <see cref="IntelligenceOptions"/>.</summary>
    public static IServiceCollection AddIntelligence(this IServiceCollection services)
    {
        services.AddCheckedOptions<IntelligenceOptions, IntelligenceOptionsValidator>(IntelligenceOptions.Section);

        services.AddSingleton<PocketSphinxTranscriber>();
        services.AddSingleton<IFrameTextReader, TesseractFrameTextReader>();
        // Typed HTTP clients are short-lived (their handlers rotate); whatever uses them is resolved per job run or request.
        services.AddOpenAiProviders();
        services.AddTransient<ITranscriber>(provider => provider.GetRequiredService<IOptions<IntelligenceOptions>>().Value.Speech.Provider switch
        {
            SpeechProvider.OpenAi => provider.GetRequiredService<OpenAiTranscriber>(),
            _ => provider.GetRequiredService<PocketSphinxTranscriber>(),
        });
        services.AddTransient<ICaptioner>(provider => provider.GetRequiredService<OpenAiCaptioner>());
        // The model is loaded once, on first use, and shared (ONNX Runtime sessions run concurrent requests).
        services.AddSingleton<MiniLmModel>();
        services.AddSingleton<MiniLmEmbedder>();
        services.AddTransient<IEmbedder>(provider => provider.GetRequiredService<IOptions<IntelligenceOptions>>().Value.Embeddings.Resolved switch
        {
            EmbeddingsProvider.OpenAi => provider.GetRequiredService<OpenAiEmbedder>(),
            _ => provider.GetRequiredService<MiniLmEmbedder>(),
        });
        services.AddTransient<IChatCompleter>(provider => provider.GetRequiredService<OpenAiChat>());
        return services;
    }
}

internal sealed class IntelligenceOptionsValidator() : OptionsValidator<IntelligenceOptions>(IntelligenceOptions.Section)
{
    protected override void Check(IntelligenceOptions o, Rules rules)
    {
        rules.Require(o.Speech.Provider != SpeechProvider.OpenAi || o.Speech.IsConfigured, "Speech:Endpoint", "is required when Intelligence:Speech:Provider is OpenAi");
        foreach (var (name, endpoint) in new (string, EndpointOptions)[] { ("Speech", o.Speech), ("Chat", o.Chat), ("Embeddings", o.Embeddings) })
        {
            rules.Require(endpoint.TimeoutSeconds is >= 1 and <= 3600, $"{name}:TimeoutSeconds", "must be between 1 and 3600", endpoint.TimeoutSeconds);
            rules.Require(!endpoint.IsConfigured
                          || (Uri.TryCreate(endpoint.Endpoint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)),
                $"{name}:Endpoint", "must be an absolute http(s) URL, e.g. http://127.0.0.1:8080", endpoint.Endpoint);
        }

        rules.Require(o.Embeddings.MinSimilarity is >= -1 and <= 1, "Embeddings:MinSimilarity", "must be a cosine between -1 and 1", o.Embeddings.MinSimilarity);
        rules.Require(o.Embeddings.Provider != EmbeddingsProvider.OpenAi || o.Embeddings.IsConfigured, "Embeddings:Endpoint", "is required when Intelligence:Embeddings:Provider is OpenAi");
        rules.Require(o.Ocr.MinChangedPixels is >= 1 and <= 1024, "Ocr:MinChangedPixels", "must be between 1 and 1024", o.Ocr.MinChangedPixels);
        foreach (var (name, confidence) in new[] { ("MinWordConfidence", o.Ocr.MinWordConfidence), ("MinShortWordConfidence", o.Ocr.MinShortWordConfidence), ("MinLineConfidence", o.Ocr.MinLineConfidence) })
        {
            rules.Require(confidence is >= 0 and <= 100, $"Ocr:{name}", "must be between 0 and 100", confidence);
        }

        rules.Require(o.Ocr.MergeSimilarity is > 0 and <= 1, "Ocr:MergeSimilarity", "must be greater than 0 and at most 1", o.Ocr.MergeSimilarity);
        rules.Require(o.Chapters.MinSeconds is >= 1 and <= 3600, "Chapters:MinSeconds", "must be between 1 and 3600 seconds", o.Chapters.MinSeconds);
    }
}
