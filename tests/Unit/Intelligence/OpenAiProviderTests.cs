using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using VaasWeb.Processing.Intelligence;
using VaasWeb.Processing.Intelligence.OpenAi;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.Intelligence.OpenAi;

/// <summary>A 16 kHz mono WAV and a JPEG frame, made once for the whole class.</summary>
public sealed class OpenAiMedia : IAsyncLifetime
{
    public const double WavSeconds = 2.5;

    private readonly TempDirectory _folder = new("vaasweb-openai");

    public string Wav => _folder.Combine("chunk-0003.wav");
    public string Jpeg => _folder.Combine("000001.jpg");

    public async Task InitializeAsync()
    {
        WriteSilentWav(Wav, sampleRate: 16_000, WavSeconds);
        await TestMedia.RunFfmpegAsync(["-v", "error", "-y", "-f", "lavfi", "-i", "color=c=red:s=32x32", "-frames:v", "1", Jpeg]);
    }

    public Task DisposeAsync()
    {
        _folder.Dispose();
        return Task.CompletedTask;
    }

    private static void WriteSilentWav(string path, int sampleRate, double seconds)
    {
        var dataLength = (int)(sampleRate * seconds) * 2;
        var bytes = new byte[44 + dataLength];
        "RIFF"u8.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), 36 + dataLength);
        "WAVEfmt "u8.CopyTo(bytes.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(16), 16);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(20), 1); // PCM
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(22), 1); // mono
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(24), sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(28), sampleRate * 2);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(32), 2);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(34), 16);
        "data"u8.CopyTo(bytes.AsSpan(36));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(40), dataLength);
        File.WriteAllBytes(path, bytes);
    }
}

/// <summary>
/// The OpenAI-compatible providers against a real HTTP server, built the way the app builds them
/// (<see cref="OpenAiServiceCollectionExtensions.AddOpenAiProviders"/>, so through the resilience pipeline).
/// Only the wait between retries is shortened.
/// </summary>
public sealed class OpenAiProviderTests(OpenAiMedia media) : IClassFixture<OpenAiMedia>, IAsyncLifetime
{
    private const string ApiKey = "sk-test-0123456789abcdefSECRET";

    private readonly List<ServiceProvider> _containers = [];
    private FakeOpenAiServer _server = null!;

    public static TheoryData<string> Providers => new() { "speech", "captions", "embeddings", "chat" };

    public async Task InitializeAsync() => _server = await FakeOpenAiServer.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var container in _containers)
        {
            await container.DisposeAsync();
        }

        await _server.DisposeAsync();
    }

    // --- speech ---

    [Fact]
    public async Task TranscribeAsync_VerboseJson_PostsTheWavAsMultipartAndReturnsTheSegments()
    {
        var transcriber = Build().GetRequiredService<OpenAiTranscriber>();

        var segments = await transcriber.TranscribeAsync(media.Wav, CancellationToken.None);

        Assert.Equal("openai whisper-test", transcriber.Name);
        Assert.Equal([new SpeechSegment(0, 1.5, "Hello there."), new SpeechSegment(1.5, 2.4, "General Kenobi.")], segments);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/audio/transcriptions", request.Path);
        Assert.StartsWith("multipart/form-data", request.Headers["Content-Type"]);
        Assert.Equal("whisper-test", request.Form["model"]);
        Assert.Equal("verbose_json", request.Form["response_format"]);
        var file = request.Files["file"];
        Assert.Equal("chunk-0003.wav", file.FileName);
        Assert.Equal("audio/wav", file.ContentType);
        Assert.Equal(await File.ReadAllBytesAsync(media.Wav), file.Content);
        Assert.Equal($"Bearer {ApiKey}", request.Authorization);
    }

    [Fact]
    public async Task TranscribeAsync_AnswerWithTextOnly_ReturnsOneSegmentOverTheWholeFile()
    {
        _server.Enqueue(FakeReply.Json("""{"text": "  Hello there, general Kenobi.\n"}"""));

        var segments = await Build().GetRequiredService<OpenAiTranscriber>().TranscribeAsync(media.Wav, CancellationToken.None);

        var segment = Assert.Single(segments);
        Assert.Equal(new SpeechSegment(0, OpenAiMedia.WavSeconds, "Hello there, general Kenobi."), segment);
    }

    [Fact]
    public async Task TranscribeAsync_SilentChunk_ReturnsNoSegments()
    {
        _server.Enqueue(FakeReply.Json("""{"text": "", "segments": []}"""));

        var segments = await Build().GetRequiredService<OpenAiTranscriber>().TranscribeAsync(media.Wav, CancellationToken.None);

        Assert.Empty(segments);
    }

    [Fact]
    public async Task TranscribeAsync_RetriedAfterServerError_SendsTheWholeFileAgain()
    {
        _server.Enqueue(FakeReply.Error(500, "The server had an error while processing your request."));

        await Build().GetRequiredService<OpenAiTranscriber>().TranscribeAsync(media.Wav, CancellationToken.None);

        var wav = await File.ReadAllBytesAsync(media.Wav);
        Assert.Equal(2, _server.Requests.Count);
        Assert.All(_server.Requests, r => Assert.Equal(wav, r.Files["file"].Content));
    }

    // --- captions ---

    [Fact]
    public async Task DescribeAsync_Frame_SendsItAsDataUrlToTheVisionModelAndReturnsOneLine()
    {
        _server.Enqueue(FakeReply.Json(FakeOpenAiServer.ChatAnswer("  A red square\n\non a   plain background. \n")));

        var caption = await Build().GetRequiredService<OpenAiCaptioner>().DescribeAsync(media.Jpeg, CancellationToken.None);

        Assert.Equal("A red square on a plain background.", caption);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        var body = request.Json;
        Assert.Equal("vision-test", body.GetProperty("model").GetString());
        Assert.Equal(80, body.GetProperty("max_tokens").GetInt32());
        var message = Assert.Single(body.GetProperty("messages").EnumerateArray());
        Assert.Equal("user", message.GetProperty("role").GetString());
        var parts = message.GetProperty("content").EnumerateArray().ToArray();
        Assert.Equal(2, parts.Length);
        Assert.Equal("text", parts[0].GetProperty("type").GetString());
        Assert.Equal("Describe this video frame in one sentence.", parts[0].GetProperty("text").GetString());
        Assert.Equal("image_url", parts[1].GetProperty("type").GetString());
        var url = parts[1].GetProperty("image_url").GetProperty("url").GetString()!;
        Assert.StartsWith("data:image/jpeg;base64,", url);
        Assert.Equal(await File.ReadAllBytesAsync(media.Jpeg), Convert.FromBase64String(url["data:image/jpeg;base64,".Length..]));
    }

    [Fact]
    public async Task DescribeAsync_NoVisionModel_UsesTheChatModel()
    {
        var captioner = Build(o => o.Chat.VisionModel = null).GetRequiredService<OpenAiCaptioner>();

        Assert.Equal(FakeOpenAiServer.DefaultCaption, await captioner.DescribeAsync(media.Jpeg, CancellationToken.None));

        Assert.Equal("chat-test", Assert.Single(_server.Requests).Json.GetProperty("model").GetString());
    }

    // --- embeddings ---

    [Fact]
    public async Task EmbedAsync_MoreThan64Texts_SendsBatchesOf64AndReturnsVectorsInInputOrder()
    {
        var texts = Enumerable.Range(0, 150).Select(i => $"text number {i}").ToArray();

        var vectors = await Build().GetRequiredService<OpenAiEmbedder>().EmbedAsync(texts, CancellationToken.None);

        Assert.Equal(texts.Select(FakeOpenAiServer.EmbeddingOf), vectors);
        var requests = _server.Requests;
        Assert.All(requests, r => Assert.Equal("/v1/embeddings", r.Path));
        Assert.All(requests, r => Assert.Equal("embed-test", r.Json.GetProperty("model").GetString()));
        var inputs = requests.Select(r => r.Json.GetProperty("input").EnumerateArray().Select(t => t.GetString()!).ToArray()).ToArray();
        Assert.Equal([64, 64, 22], inputs.Select(i => i.Length));
        Assert.Equal(texts, inputs.SelectMany(i => i));
    }

    [Fact]
    public async Task EmbedAsync_NoTexts_SendsNothing()
    {
        var vectors = await Build().GetRequiredService<OpenAiEmbedder>().EmbedAsync([], CancellationToken.None);

        Assert.Empty(vectors);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task EmbedAsync_FewerVectorsThanTexts_ThrowsProviderException()
    {
        _server.Enqueue(FakeReply.Json("""{"data": [{"index": 0, "embedding": [0.5, 0.25]}]}"""));

        var e = await Assert.ThrowsAsync<ProviderException>(() =>
            Build().GetRequiredService<OpenAiEmbedder>().EmbedAsync(["one", "two"], CancellationToken.None));

        Assert.Equal("openai embeddings: the answer had 1 vectors for 2 texts", e.Message);
    }

    // --- chat ---

    [Fact]
    public async Task CompleteAsync_Prompts_SendsSystemAndUserMessagesWithTheKey()
    {
        _server.Enqueue(FakeReply.Json(FakeOpenAiServer.ChatAnswer("It starts at 0:42.")));

        var answer = await Build().GetRequiredService<OpenAiChat>().CompleteAsync("You answer questions about a video.", "When does it start?", CancellationToken.None);

        Assert.Equal("It starts at 0:42.", answer);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal($"Bearer {ApiKey}", request.Authorization);
        Assert.StartsWith("application/json", request.Headers["Content-Type"]);
        var body = request.Json;
        Assert.Equal("chat-test", body.GetProperty("model").GetString());
        Assert.False(body.TryGetProperty("max_tokens", out _));
        var messages = body.GetProperty("messages").EnumerateArray()
            .Select(m => (m.GetProperty("role").GetString(), m.GetProperty("content").GetString())).ToArray();
        Assert.Equal([("system", "You answer questions about a video."), ("user", "When does it start?")], messages);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Call_NoApiKey_SendsNoAuthorizationHeader(string provider)
    {
        var services = Build(o => o.Speech.ApiKey = o.Chat.ApiKey = o.Embeddings.ApiKey = null);

        await CallAsync(services, provider, CancellationToken.None);

        Assert.All(_server.Requests, r => Assert.Null(r.Authorization));
    }

    [Fact]
    public async Task CompleteAsync_NoChoices_ThrowsProviderException()
    {
        _server.Enqueue(FakeReply.Json("""{"id": "chatcmpl-1", "choices": []}"""));

        var e = await Assert.ThrowsAsync<ProviderException>(() => CallAsync(Build(), "chat", CancellationToken.None));

        Assert.Equal("openai chat: the answer had no choices", e.Message);
    }

    [Fact]
    public async Task CompleteAsync_EndpointWrittenWithV1_StillReachesTheServer()
    {
        var services = Build(o => o.Chat.Endpoint = _server.Endpoint + "/v1/");

        await CallAsync(services, "chat", CancellationToken.None);

        Assert.Equal("/v1/chat/completions", Assert.Single(_server.Requests).Path);
    }

    // --- failures, the same for every provider ---

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Call_WrongKey_ThrowsProviderExceptionWithStatusAndServerMessageButNotTheKey(string provider)
    {
        _server.Enqueue(FakeReply.Error(401, $"Incorrect API key provided: {ApiKey}. You can find your API key at https://platform.openai.com/account/api-keys."));

        var e = await Assert.ThrowsAsync<ProviderException>(() => CallAsync(Build(), provider, CancellationToken.None));

        Assert.Equal(LabelOf(provider), e.Provider);
        Assert.StartsWith($"{LabelOf(provider)}: HTTP 401 Unauthorized: Incorrect API key provided", e.Message);
        Assert.DoesNotContain(ApiKey, e.ToString());
        Assert.Single(_server.Requests); // a wrong key stays wrong: no retry
    }

    [Fact]
    public async Task Call_BadRequest_IsNotRetried()
    {
        _server.Enqueue(FakeReply.Error(400, "Invalid 'messages[1].content': string too long."));

        var e = await Assert.ThrowsAsync<ProviderException>(() => CallAsync(Build(), "chat", CancellationToken.None));

        Assert.Equal("openai chat: HTTP 400 Bad Request: Invalid 'messages[1].content': string too long.", e.Message);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task Call_ErrorWithoutBody_SaysWhereTheRequestWent()
    {
        _server.Enqueue(new FakeReply(404, ""));

        var e = await Assert.ThrowsAsync<ProviderException>(() => CallAsync(Build(), "chat", CancellationToken.None));

        Assert.Equal($"openai chat: HTTP 404 Not Found from {_server.Endpoint}/v1/chat/completions", e.Message);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Call_ServerErrorThenSuccess_IsRetriedAndSucceeds(string provider)
    {
        _server.Enqueue(FakeReply.Error(500, "The server had an error while processing your request."));

        await CallAsync(Build(), provider, CancellationToken.None);

        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task Call_RateLimitedThenSuccess_IsRetried()
    {
        _server.Enqueue(FakeReply.Error(429, "Rate limit reached."), FakeReply.Error(429, "Rate limit reached."));

        Assert.Equal(FakeOpenAiServer.DefaultCaption, await Build().GetRequiredService<OpenAiChat>().CompleteAsync("s", "u", CancellationToken.None));

        Assert.Equal(3, _server.Requests.Count);
    }

    [Fact]
    public async Task Call_ServerErrorEveryTime_GivesUpWithTheLastStatus()
    {
        _server.Always(FakeReply.Error(503, "The engine is currently overloaded."));

        var e = await Assert.ThrowsAsync<ProviderException>(() => CallAsync(Build(), "chat", CancellationToken.None));

        Assert.Equal("openai chat: HTTP 503 Service Unavailable: The engine is currently overloaded.", e.Message);
        Assert.Equal(1 + 3, _server.Requests.Count);
    }

    [Fact]
    public async Task Call_SlowerThanTheTimeout_ThrowsProviderExceptionNamingTheTimeout()
    {
        _server.Always(FakeReply.Slow(TimeSpan.FromSeconds(30)));
        var services = Build(o => o.Chat.TimeoutSeconds = 1);
        var clock = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<ProviderException>(() => CallAsync(services, "chat", CancellationToken.None));

        Assert.Equal("openai chat: the endpoint did not answer within 1 s (Intelligence:Chat:TimeoutSeconds)", e.Message);
        Assert.Equal(1 + 3, _server.Requests.Count); // each attempt timed out, then retried
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(3.5), TimeSpan.FromSeconds(15));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Call_MalformedJson_ThrowsProviderException(string provider)
    {
        _server.Enqueue(FakeReply.Malformed());

        var e = await Assert.ThrowsAsync<ProviderException>(() => CallAsync(Build(), provider, CancellationToken.None));

        Assert.Equal($"{LabelOf(provider)}: the answer was not valid JSON", e.Message);
        Assert.Single(_server.Requests);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Call_CallerCancels_ThrowsOperationCanceled(string provider)
    {
        _server.Always(FakeReply.Slow(TimeSpan.FromSeconds(30)));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CallAsync(Build(), provider, cancel.Token));

        Assert.IsNotType<ProviderException>(e);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task Call_NothingListening_ThrowsCouldNotConnect()
    {
        var closed = ClosedPort();
        var services = Build(o => o.Chat.Endpoint = $"http://127.0.0.1:{closed}");

        var e = await Assert.ThrowsAsync<ProviderException>(() => CallAsync(services, "chat", CancellationToken.None));

        Assert.StartsWith($"openai chat: could not connect to http://127.0.0.1:{closed}", e.Message);
    }

    [Fact]
    public async Task Call_NoEndpointConfigured_ThrowsProviderExceptionNamingTheSetting()
    {
        var services = Build(o => o.Embeddings.Endpoint = null);

        var e = await Assert.ThrowsAsync<ProviderException>(() => CallAsync(services, "embeddings", CancellationToken.None));

        Assert.Equal("openai embeddings: no endpoint is configured (set Intelligence:Embeddings:Endpoint)", e.Message);
    }

    [Fact]
    public async Task AddOpenAiProviders_ProductionResilienceSettings_AreValidAndAnswer()
    {
        var services = Build(o => o.Chat.TimeoutSeconds = 60, shortRetryWaits: false);

        Assert.Equal(FakeOpenAiServer.DefaultCaption, await services.GetRequiredService<OpenAiChat>().CompleteAsync("s", "u", CancellationToken.None));
    }

    [Fact]
    public async Task AddOpenAiProviders_Resilience_IsTimedFromTheOptionsAndRetriesOnlyTransientFailures()
    {
        var services = Build(o => o.Chat.TimeoutSeconds = 60, shortRetryWaits: false);

        var resilience = services.GetRequiredService<IOptionsMonitor<HttpStandardResilienceOptions>>().Get($"{nameof(OpenAiChat)}-standard");

        Assert.Equal(TimeSpan.FromSeconds(60), resilience.AttemptTimeout.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(4 * 60 + 3 * 20), resilience.TotalRequestTimeout.Timeout);
        Assert.Equal(3, resilience.Retry.MaxRetryAttempts);
        Assert.Equal(TimeSpan.FromSeconds(120), resilience.CircuitBreaker.SamplingDuration);
        int[] retried = [408, 429, 500, 502, 503, 504];
        foreach (var status in (int[])[400, 401, 403, 404, 413, 422, .. retried])
        {
            using var response = new HttpResponseMessage((HttpStatusCode)status);
            var context = ResilienceContextPool.Shared.Get();
            var retries = await resilience.Retry.ShouldHandle(new RetryPredicateArguments<HttpResponseMessage>(context, Outcome.FromResult(response), 0));
            Assert.True(retries == retried.Contains(status), $"HTTP {status} retried: {retries}");
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private ServiceProvider Build(Action<IntelligenceOptions>? configure = null, bool shortRetryWaits = true)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.Configure<IntelligenceOptions>(o =>
        {
            foreach (var endpoint in new EndpointOptions[] { o.Speech, o.Chat, o.Embeddings })
            {
                endpoint.Endpoint = _server.Endpoint;
                endpoint.ApiKey = ApiKey;
                endpoint.TimeoutSeconds = 5;
            }

            o.Speech.Model = "whisper-test";
            o.Chat.Model = "chat-test";
            o.Chat.VisionModel = "vision-test";
            o.Embeddings.Model = "embed-test";
            configure?.Invoke(o);
        });
        services.AddOpenAiProviders();
        if (shortRetryWaits)
        {
            services.ConfigureAll<HttpStandardResilienceOptions>(r => r.Retry.Delay = TimeSpan.FromMilliseconds(10));
        }

        var container = services.BuildServiceProvider();
        _containers.Add(container);
        return container;
    }

    private Task CallAsync(ServiceProvider services, string provider, CancellationToken cancellationToken) => provider switch
    {
        "speech" => services.GetRequiredService<OpenAiTranscriber>().TranscribeAsync(media.Wav, cancellationToken),
        "captions" => services.GetRequiredService<OpenAiCaptioner>().DescribeAsync(media.Jpeg, cancellationToken),
        "embeddings" => services.GetRequiredService<OpenAiEmbedder>().EmbedAsync(["one", "two"], cancellationToken),
        "chat" => services.GetRequiredService<OpenAiChat>().CompleteAsync("system", "user", cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(provider)),
    };

    private static string LabelOf(string provider) => provider switch
    {
        "speech" => "openai whisper-test",
        _ => $"openai {provider}",
    };

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
