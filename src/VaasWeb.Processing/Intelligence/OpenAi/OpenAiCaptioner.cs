using Microsoft.Extensions.Options;

namespace VaasWeb.Processing.Intelligence.OpenAi;

/// <summary><see cref="ICaptioner"/> on an OpenAI-compatible chat endpoint with a model that sees images.</summary>
public sealed class OpenAiCaptioner(HttpClient httpClient, IOptions<IntelligenceOptions> options) : ICaptioner
{
    internal const string Prompt = "Describe this video frame in one sentence.";
    internal const int MaxTokens = 80;

    private readonly OpenAiHttp _http = new(httpClient, options.Value.Chat, "openai captions", "Intelligence:Chat");
    private readonly string? _model = OpenAiHttp.Blank(options.Value.Chat.VisionModel) ?? OpenAiHttp.Blank(options.Value.Chat.Model);

    public async Task<string> DescribeAsync(string imagePath, CancellationToken cancellationToken)
    {
        var image = await File.ReadAllBytesAsync(imagePath, cancellationToken);
        var dataUrl = $"data:{MediaType(imagePath)};base64,{Convert.ToBase64String(image)}";
        ContentPart[] content = [new("text", Text: Prompt), new("image_url", ImageUrl: new ImageUrl(dataUrl))];
        var answer = await _http.ChatAsync(_model, [new ChatMessage("user", content)], MaxTokens, cancellationToken);

        // Models add line breaks and padding; a caption is shown and indexed as one line.
        var caption = OpenAiHttp.Whitespace().Replace(answer, " ").Trim();
        return caption.Length > 0 ? caption : throw _http.Fail("the answer was empty");
    }

    private static string MediaType(string imagePath) => Path.GetExtension(imagePath).ToLowerInvariant() switch
    {
        ".png" => "image/png",
        ".webp" => "image/webp",
        ".gif" => "image/gif",
        _ => "image/jpeg",
    };
}
