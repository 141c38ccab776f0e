using Microsoft.Extensions.Options;

namespace VaasWeb.Processing.Intelligence.OpenAi;

/// <summary><see cref="IChatCompleter"/> on an OpenAI-compatible <c>/v1/chat/completions</c> endpoint.</summary>
public sealed class OpenAiChat(HttpClient httpClient, IOptions<IntelligenceOptions> options) : IChatCompleter
{
    private readonly OpenAiHttp _http = new(httpClient, options.Value.Chat, "openai chat", "Intelligence:Chat");

    public Task<string> CompleteAsync(string systemPrompt, string userPrompt, CancellationToken cancellationToken) =>
        _http.ChatAsync(_http.Model, [new ChatMessage("system", systemPrompt), new ChatMessage("user", userPrompt)], maxTokens: null, cancellationToken);
}
