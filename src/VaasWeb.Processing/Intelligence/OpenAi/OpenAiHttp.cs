using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace VaasWeb.Processing.Intelligence.OpenAi;

/// <summary>
/// What the OpenAI-compatible providers share: where a request goes, the key, the time budget, and turning every
/// way a call can fail into a <see cref="ProviderException"/> that says what to fix and never shows the key.
/// </summary>
internal sealed partial class OpenAiHttp
{
    internal const int Retries = 3;
    internal static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(20);

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private const int MaxQuotedLength = 300;

    private readonly HttpClient _client;
    private readonly EndpointOptions _options;
    private readonly string _provider;
    private readonly string _section;

    /// <param name="section">The configuration section of <paramref name="options"/>, named in messages that ask for a setting.</param>
    public OpenAiHttp(HttpClient client, EndpointOptions options, string provider, string section)
    {
        _client = client;
        _options = options;
        _provider = provider;
        _section = section;
        // The resilience pipeline times attempts and the whole call; this also covers reading the answer's body,
        // which HttpClient does after the pipeline has returned.
        client.Timeout = TotalTimeout(options) + AttemptTimeout(options);
    }

    public string? Model => Blank(_options.Model);

    /// <summary>TimeoutSeconds, kept within what the resilience options accept (the whole call must fit in a day).</summary>
    public static TimeSpan AttemptTimeout(EndpointOptions options) => TimeSpan.FromSeconds(Math.Clamp(options.TimeoutSeconds, 1, 3600));

    /// <summary>Every attempt timing out, with the longest wait between them.</summary>
    public static TimeSpan TotalTimeout(EndpointOptions options) => AttemptTimeout(options) * (Retries + 1) + MaxRetryDelay * Retries;

    public static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    public Task<T> PostJsonAsync<T>(string path, object body, CancellationToken cancellationToken)
    {
        // Serialized up front: a known length (some local servers refuse chunked bodies) and the same bytes on every retry.
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, Json));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return PostAsync<T>(path, content, cancellationToken);
    }

    public async Task<T> PostAsync<T>(string path, HttpContent content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseAddress(), path)) { Content = content };
        if (Blank(_options.ApiKey) is { } key)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        try
        {
            using var response = await _client.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw Fail(Refusal(response, await response.Content.ReadAsStringAsync(cancellationToken), request.RequestUri!));
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            return await JsonSerializer.DeserializeAsync<T>(body, Json, cancellationToken) ?? throw Fail("the answer was empty");
        }
        catch (JsonException e)
        {
            throw Fail("the answer was not valid JSON", e);
        }
        catch (Exception e) when (e is TimeoutRejectedException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // TimeoutRejectedException from an attempt or the whole call; OperationCanceledException from HttpClient.Timeout.
            throw Fail($"the endpoint did not answer within {AttemptTimeout(_options).TotalSeconds:0} s ({_section}:TimeoutSeconds)", e);
        }
        catch (BrokenCircuitException e)
        {
            throw Fail($"too many recent calls to {Authority(request.RequestUri!)} failed; VaasWeb waits a moment before trying again", e);
        }
        catch (ExecutionRejectedException e)
        {
            throw Fail($"too many calls to {Authority(request.RequestUri!)} at once", e);
        }
        catch (HttpRequestException e)
        {
            var what = e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError
                ? "could not connect to"
                : "lost the connection to";
            throw Fail($"{what} {Authority(request.RequestUri!)} ({e.Message})", e);
        }
    }

    public async Task<string> ChatAsync(string? model, IReadOnlyList<ChatMessage> messages, int? maxTokens, CancellationToken cancellationToken)
    {
        var answer = await PostJsonAsync<ChatResponse>("v1/chat/completions", new ChatRequest(model, messages, maxTokens), cancellationToken);
        if (answer.Choices is not [var first, ..])
        {
            throw Fail("the answer had no choices");
        }

        return first.Message?.Content ?? throw Fail("the answer had no text");
    }

    public ProviderException Fail(string message, Exception? inner = null) => new(_provider, Redact(message), inner);

    private Uri BaseAddress()
    {
        var endpoint = Blank(_options.Endpoint)?.TrimEnd('/') ?? throw Fail($"no endpoint is configured (set {_section}:Endpoint)");
        // People paste the address their SDK uses, which ends in /v1; the paths here add it themselves.
        if (endpoint.EndsWith("/v1", StringComparison.OrdinalIgnoreCase))
        {
            endpoint = endpoint[..^3];
        }

        return Uri.TryCreate(endpoint + "/", UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw Fail($"{_section}:Endpoint is not an http or https address");
    }

    /// <summary>"HTTP 401 Unauthorized: what the server said", or where the request went when it said nothing.</summary>
    private static string Refusal(HttpResponseMessage response, string body, Uri uri)
    {
        var status = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd();
        return ErrorMessage(body) is { } said ? $"{status}: {said}" : $"{status} from {Authority(uri)}{uri.AbsolutePath}";
    }

    /// <summary>
    /// The message of an OpenAI-style error (<c>{"error": {"message": …}}</c>), or of the shapes other compatible
    /// servers use (<c>{"error": "…"}</c>, <c>{"message": …}</c>, <c>{"detail": …}</c>), or a short plain-text body.
    /// </summary>
    private static string? ErrorMessage(string body)
    {
        string? said = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                said = root.TryGetProperty("error", out var error) ? error.ValueKind switch
                    {
                        JsonValueKind.Object when error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String => m.GetString(),
                        JsonValueKind.String => error.GetString(),
                        _ => null,
                    }
                    : null;
                said ??= root.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String ? message.GetString() : null;
                said ??= root.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String ? detail.GetString() : null;
            }
        }
        catch (JsonException)
        {
            // Proxies answer with HTML error pages, which say nothing a person can use here.
            said = body.Contains('<') ? null : body;
        }

        said = Whitespace().Replace(said ?? "", " ").Trim();
        return said.Length == 0 ? null : said.Length > MaxQuotedLength ? said[..MaxQuotedLength] + "…" : said;
    }

    /// <summary>Scheme, host and port: never the user info or query, where credentials sometimes hide.</summary>
    private static string Authority(Uri uri) => $"{uri.Scheme}://{uri.Authority}";

    /// <summary>Servers quote the key they were given ("Incorrect API key provided: sk-…"); it must not travel on.</summary>
    private string Redact(string text) =>
        Blank(_options.ApiKey) is { } key ? text.Replace(key, "[api key]", StringComparison.Ordinal) : text;

    [GeneratedRegex(@"\s+")]
    internal static partial Regex Whitespace();
}

internal sealed record ChatRequest(string? Model, IReadOnlyList<ChatMessage> Messages, int? MaxTokens = null);

/// <summary>Content is a string, or a list of <see cref="ContentPart"/> when the message carries an image.</summary>
internal sealed record ChatMessage(string Role, object Content);

internal sealed record ContentPart(string Type, string? Text = null, ImageUrl? ImageUrl = null);

internal sealed record ImageUrl(string Url);

internal sealed record ChatResponse(IReadOnlyList<ChatChoice>? Choices);

internal sealed record ChatChoice(ChatAnswer? Message);

internal sealed record ChatAnswer(string? Content);
