using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Intelligence.OpenAi;

namespace VaasWeb.Processing.Intelligence;

internal static class IntelligenceServiceCollectionExtensions
{
    /// <summary>Each capability's provider, chosen by <see cref="IntelligenceOptions"/>.</summary>
    public static IServiceCollection AddIntelligence(this IServiceCollection services)
    {
        services.AddOptions<IntelligenceOptions>().BindConfiguration(IntelligenceOptions.Section)
            .Validate(o => o.Speech.Provider != SpeechProvider.OpenAi || o.Speech.IsConfigured,
                "Intelligence:Speech:Endpoint is required when Intelligence:Speech:Provider is OpenAi.")
            .Validate(o => new[] { o.Speech.TimeoutSeconds, o.Chat.TimeoutSeconds, o.Embeddings.TimeoutSeconds }.All(t => t is >= 1 and <= 3600),
                "Intelligence:*:TimeoutSeconds must be between 1 and 3600.")
            .Validate(o => o.Ocr.MinChangedPixels is >= 1 and <= 1024, "Intelligence:Ocr:MinChangedPixels must be between 1 and 1024.")
            .Validate(o => EndpointsAreUrls(o), "Intelligence endpoints must be absolute http(s) URLs, e.g. http://127.0.0.1:8080.")
            .ValidateOnStart();

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
        services.AddTransient<IEmbedder>(provider => provider.GetRequiredService<OpenAiEmbedder>());
        services.AddTransient<IChatCompleter>(provider => provider.GetRequiredService<OpenAiChat>());
        return services;
    }

    private static bool EndpointsAreUrls(IntelligenceOptions o) =>
        new EndpointOptions[] { o.Speech, o.Chat, o.Embeddings }
            .Where(e => e.IsConfigured)
            .All(e => Uri.TryCreate(e.Endpoint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps));
}
