using System.Text;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Generation;
using VaasWeb.Processing.Intelligence;
using VaasWeb.Processing.Media;
using VaasWeb.Processing.Storage;
using VaasWeb.Security;
using VaasWeb.Processing.Generation.MiniMax;

namespace VaasWeb;

/// <summary>
/// One block right after "Application started": where the app is, where its data is, which providers are on,
/// whether its tools work and how to get into the first admin account. Nothing secret: no keys, no passwords.
/// </summary>
internal static class StartupSummary
{
    public static async Task LogStartupSummaryAsync(this WebApplication app)
    {
        var services = app.Services;
        var storage = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        var intelligence = services.GetRequiredService<IOptions<IntelligenceOptions>>().Value;
        var minimax = services.GetRequiredService<IOptions<MiniMaxOptions>>().Value;
        var tools = services.GetRequiredService<ExternalTools>();
        var statuses = await Task.WhenAll(tools.ForIngestion.Select(t => tools.CheckAsync(t, CancellationToken.None)));
        var database = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;

        var lines = new List<(string Name, string Value)>
        {
            ("URL", string.Join(", ", app.Urls)),
            ("Data", storage.ResolvedDataDirectory),
            ("Media", storage.ResolvedMediaRoot),
            ("Database", database.Describe()),
            ("Speech", intelligence.Speech.Provider == SpeechProvider.OpenAi
                ? $"{Endpoint(intelligence.Speech)} ({intelligence.Speech.Model})"
                : "pocketsphinx (offline, en-us); Intelligence:Speech:Provider OpenAi for a whisper server"),
            ("OCR", $"tesseract ({intelligence.Ocr.Language})"),
            ("Chat", intelligence.Chat.IsConfigured
                ? $"{Endpoint(intelligence.Chat)} ({intelligence.Chat.Model}; captions {(intelligence.Chat.CaptionFrames ? $"on with {intelligence.Chat.VisionModel ?? intelligence.Chat.Model}" : "off")})"
                : "off (set Intelligence:Chat:Endpoint for captions and questions)"),
            ("Embeddings", intelligence.Embeddings.Resolved switch
            {
                EmbeddingsProvider.OpenAi => $"{Endpoint(intelligence.Embeddings)} ({intelligence.Embeddings.Model})",
                EmbeddingsProvider.MiniLm => $"{MiniLmEmbedder.Name}, offline",
                _ => "off: words only (Intelligence:Embeddings:Provider is None)",
            }),
            ("MiniMax", minimax.IsConfigured ? $"on, {minimax.BaseUrl}" : $"off (set MiniMax__ApiKey to generate videos), {minimax.BaseUrl}"),
            ("Tools", statuses.All(s => s.Works)
                ? $"{string.Join(", ", statuses.Select(s => s.Tool.Name))} work"
                : string.Join("; ", statuses.Where(s => !s.Works).Select(s => s.Problem))),
            ("Events", services.GetService<Realtime.RedisConnection>() is { } redis
                ? $"shared with every node through Redis at {redis.Endpoints}"
                : "this node only (set ConnectionStrings:Redis to share task events between nodes)"),
            ("Admin", services.GetRequiredService<FirstAdmin>().Notice ?? "unknown"),
        };
        var block = new StringBuilder("VaasWeb is ready:");
        foreach (var (name, value) in lines)
        {
            block.Append($"\n  {name,-11}{value}");
        }

        // Through the logger, so it lands after the host's own "Application started" lines and in any log sink.
        services.GetRequiredService<ILoggerFactory>().CreateLogger("VaasWeb").LogInformation("{Summary}", block.ToString());
    }

    /// <summary>An endpoint without any user name or password written into its URL.</summary>
    private static string Endpoint(EndpointOptions endpoint) =>
        Uri.TryCreate(endpoint.Endpoint, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0
            ? new UriBuilder(uri) { UserName = "", Password = "" }.Uri.ToString()
            : endpoint.Endpoint ?? "";
}
