using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace VaasWeb.Tests.Unit.Support;

/// <summary>A request the fake server received, as it arrived.</summary>
public sealed record FakeRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Headers,
    byte[] Body,
    IReadOnlyDictionary<string, string> Form,
    IReadOnlyDictionary<string, FakeFile> Files)
{
    public string? Authorization => Headers.GetValueOrDefault("Authorization");

    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();
}

public sealed record FakeFile(string FileName, string? ContentType, byte[] Content);

/// <summary>What the fake server answers: a status and body, after a delay. A null body is the endpoint's normal answer.</summary>
public sealed record FakeReply(int Status, string? Body, TimeSpan Delay = default)
{
    public static FakeReply Json(string body) => new(200, body);

    /// <summary>An error the way OpenAI words it: <c>{"error": {"message": …, "type": …}}</c>.</summary>
    public static FakeReply Error(int status, string message) =>
        new(status, JsonSerializer.Serialize(new { error = new { message, type = "invalid_request_error", param = (string?)null, code = (string?)null } }));

    public static FakeReply Malformed() => new(200, """{"choices": [{"message": {"content": "cut off""");

    public static FakeReply Slow(TimeSpan delay) => new(200, null, delay);
}

/// <summary>
/// An OpenAI-compatible server on loopback (Kestrel, a free port) for the provider tests. It records every request,
/// answers the four endpoints the providers use, and plays scripted replies first, in order.
/// </summary>
public sealed class FakeOpenAiServer : IAsyncDisposable
{
    public const string DefaultCaption = "A red square on a plain background.";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<FakeRequest> _requests = new();
    private readonly ConcurrentQueue<FakeReply> _script = new();
    private readonly CancellationTokenSource _stopping = new();
    private volatile FakeReply? _always;

    private FakeOpenAiServer(WebApplication app)
    {
        _app = app;
    }

    /// <summary>Base address without /v1, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Endpoint { get; private set; } = "";

    public IReadOnlyList<FakeRequest> Requests => _requests.ToArray();

    public static async Task<FakeOpenAiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        // The test folder holds the app's appsettings.json (with its Urls); this server listens where it is told.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeOpenAiServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.Endpoint = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return server;
    }

    /// <summary>The next requests get these replies, one each, before the normal answers resume.</summary>
    public void Enqueue(params FakeReply[] replies)
    {
        foreach (var reply in replies)
        {
            _script.Enqueue(reply);
        }
    }

    /// <summary>Every request after the scripted ones gets this reply.</summary>
    public void Always(FakeReply reply) => _always = reply;

    /// <summary>The vector the server gives a text: its UTF-8 bytes, so a test can tell which text a vector is for.</summary>
    public static float[] EmbeddingOf(string text) => Encoding.UTF8.GetBytes(text).Select(b => (float)b).ToArray();

    public static string ChatAnswer(string content) => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-1",
        @object = "chat.completion",
        created = 1_700_000_000,
        model = "fake",
        choices = new[] { new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" } },
        usage = new { prompt_tokens = 10, completion_tokens = 5, total_tokens = 15 },
    });

    public static string TranscriptionAnswer(params (double Start, double End, string Text)[] segments) => JsonSerializer.Serialize(new
    {
        task = "transcribe",
        language = "english",
        duration = segments.Length == 0 ? 0 : segments[^1].End,
        text = string.Concat(segments.Select(s => s.Text)),
        segments = segments.Select((s, i) => new
        {
            id = i, seek = 0, start = s.Start, end = s.End, text = s.Text, tokens = new[] { 1, 2 }, temperature = 0.0,
            avg_logprob = -0.2, compression_ratio = 1.1, no_speech_prob = 0.01,
        }),
    });

    private async Task HandleAsync(HttpContext context)
    {
        var request = await RecordAsync(context.Request);
        _requests.Enqueue(request);
        var reply = _script.TryDequeue(out var next) ? next : _always ?? new FakeReply(200, null);

        if (reply.Delay > TimeSpan.Zero)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
            try
            {
                await Task.Delay(reply.Delay, wait.Token);
            }
            catch (OperationCanceledException)
            {
                return; // the client gave up, or the test is over
            }
        }

        var body = reply.Body ?? NormalAnswer(request);
        context.Response.StatusCode = body is null ? 404 : reply.Status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body ?? """{"error": {"message": "Unknown endpoint", "type": "invalid_request_error"}}""");
    }

    private static string? NormalAnswer(FakeRequest request) => request.Path switch
    {
        "/v1/audio/transcriptions" => TranscriptionAnswer((0, 1.5, " Hello there."), (1.5, 2.4, " General Kenobi.")),
        "/v1/chat/completions" => ChatAnswer(DefaultCaption),
        "/v1/embeddings" => EmbeddingsAnswer(request.Json),
        _ => null,
    };

    /// <summary>One vector per input, listed last input first so that clients have to go by index.</summary>
    private static string EmbeddingsAnswer(JsonElement body)
    {
        var input = body.GetProperty("input");
        var texts = input.ValueKind == JsonValueKind.Array ? input.EnumerateArray().Select(t => t.GetString()!).ToArray() : [input.GetString()!];
        return JsonSerializer.Serialize(new
        {
            @object = "list",
            data = texts.Select((text, index) => new { @object = "embedding", index, embedding = EmbeddingOf(text) }).Reverse(),
            model = "fake-embedding",
            usage = new { prompt_tokens = texts.Length, total_tokens = texts.Length },
        });
    }

    private static async Task<FakeRequest> RecordAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);

        var form = new Dictionary<string, string>();
        var files = new Dictionary<string, FakeFile>();
        if (request.HasFormContentType)
        {
            request.Body = new MemoryStream(body);
            var parsed = await request.ReadFormAsync();
            foreach (var field in parsed)
            {
                form[field.Key] = field.Value.ToString();
            }

            foreach (var file in parsed.Files)
            {
                using var content = new MemoryStream();
                await file.CopyToAsync(content);
                files[file.Name] = new FakeFile(file.FileName, file.ContentType, content.ToArray());
            }
        }

        return new FakeRequest(request.Method, request.Path.Value ?? "", headers, body, form, files);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
        _stopping.Dispose();
    }
}
