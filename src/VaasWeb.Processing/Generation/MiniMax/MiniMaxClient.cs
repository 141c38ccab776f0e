using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;
using VaasWeb.Processing.Failures;
using VaasWeb.Processing.Telemetry;

namespace VaasWeb.Processing.Generation.MiniMax;

public enum MiniMaxTaskStatus
{
    Preparing,
    Queueing,
    Processing,
    Success,
    Fail,

    /// <summary>A status this client does not know; the contract says anything but Success/Fail is still running.</summary>
    Running,
}

public sealed record GenerationReport(MiniMaxTaskStatus Status, string RawStatus, string? FileId, int? Width, int? Height, int? FailCode, string? FailMessage);

public sealed record MiniMaxFile(string FileId, long Bytes, string? FileName, Uri? DownloadUrl);

public sealed record SpeechAudio(byte[] Bytes, string Format, TimeSpan Length);

public sealed record MiniMaxVoice(string Id, string Name, bool Cloned);

/// <summary>
/// The MiniMax API of docs/minimax-api.md as a typed client. Retries, timeouts and the circuit breaker
/// live in its one resilience pipeline (<see cref="MiniMaxResilience"/>); here every way a call fails becomes a
/// <see cref="MiniMaxException"/> that says whether it is worth another try and whether it may have taken effect.
/// </summary>
public sealed class MiniMaxClient
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly HttpClient _http;
    private readonly MiniMaxOptions _options;
    private readonly VaasMetrics _metrics;

    public MiniMaxClient(HttpClient http, IOptions<MiniMaxOptions> options, VaasMetrics metrics)
    {
        _http = http;
        _options = options.Value;
        _metrics = metrics;
        // The pipeline times each attempt and the whole call; a download's body may take longer than either.
        _http.Timeout = Timeout.InfiniteTimeSpan;
    }

    public bool IsConfigured => _options.IsConfigured;

    /// <summary>Sends one generation request; returns MiniMax's task id. Never re-sent once it may have arrived.</summary>
    public Task<string> SubmitAsync(VideoGenerationRequest request, CancellationToken cancellationToken) =>
        MeasuredAsync("submit", () => SubmitCallAsync(request, cancellationToken));

    private async Task<string> SubmitCallAsync(VideoGenerationRequest request, CancellationToken cancellationToken)
    {
        var answer = await PostAsync<VideoGenerationResponse>("v1/video_generation", request, cancellationToken);
        EnsureSucceeded(answer.BaseResp, mayHaveTakenEffect: true);
        if (string.IsNullOrWhiteSpace(answer.TaskId))
        {
            // It said yes without saying to what: a task may exist that we cannot follow.
            throw new MiniMaxException("malformed", "MiniMax accepted the request but sent no task id.", isTransient: false, mayHaveReachedServer: true);
        }

        return answer.TaskId;
    }

    public Task<GenerationReport> QueryAsync(string taskId, CancellationToken cancellationToken) =>
        MeasuredAsync("query", () => QueryCallAsync(taskId, cancellationToken));

    private async Task<GenerationReport> QueryCallAsync(string taskId, CancellationToken cancellationToken)
    {
        var answer = await GetAsync<VideoQueryResponse>($"v1/query/video_generation?task_id={Uri.EscapeDataString(taskId)}", cancellationToken);
        return Read(answer);
    }

    /// <summary>
    /// A status callback's body (shaped like the status answer): the MiniMax task id it names and its report. A body that
    /// is not such an answer throws <see cref="MiniMaxException"/> (or <see cref="JsonException"/>).
    /// </summary>
    public static (string? TaskId, GenerationReport Report) ReadCallback(JsonElement body)
    {
        var answer = body.Deserialize<VideoQueryResponse>(Json) ?? throw Malformed("the callback has no body");
        return (answer.TaskId, Read(answer));
    }

    /// <summary>A status answer, or a status callback of the same shape, as a report; a malformed one throws <see cref="MiniMaxException"/>.</summary>
    public static GenerationReport Read(VideoQueryResponse answer)
    {
        var raw = answer.Status ?? "";
        var status = Enum.TryParse<MiniMaxTaskStatus>(raw, ignoreCase: true, out var known) && known != MiniMaxTaskStatus.Running
            ? known
            : MiniMaxTaskStatus.Running;
        if (status == MiniMaxTaskStatus.Fail)
        {
            // A failed generation is an answer, not a failed call: its reason rides in base_resp.
            var code = answer.BaseResp is { StatusCode: not 0 } failure ? failure.StatusCode : (int?)null;
            return new GenerationReport(status, raw, null, null, null, code, answer.BaseResp?.StatusMsg);
        }

        EnsureSucceeded(answer.BaseResp, mayHaveTakenEffect: false);
        if (answer.Status is null)
        {
            throw Malformed("the status answer has no status");
        }

        if (status == MiniMaxTaskStatus.Success && string.IsNullOrWhiteSpace(answer.FileId))
        {
            throw Malformed("the task succeeded but the answer names no file");
        }

        return new GenerationReport(status, raw, answer.FileId, answer.VideoWidth, answer.VideoHeight, null, null);
    }

    /// <summary>The file's size and a fresh download URL (they expire within hours: ask again for every download).</summary>
    public Task<MiniMaxFile> RetrieveAsync(string fileId, CancellationToken cancellationToken) =>
        MeasuredAsync("retrieve", () => RetrieveCallAsync(fileId, cancellationToken));

    private async Task<MiniMaxFile> RetrieveCallAsync(string fileId, CancellationToken cancellationToken)
    {
        var answer = await GetAsync<FileRetrieveResponse>($"v1/files/retrieve?file_id={Uri.EscapeDataString(fileId)}", cancellationToken);
        EnsureSucceeded(answer.BaseResp, mayHaveTakenEffect: false);
        var file = answer.File ?? throw Malformed("the file answer has no file");
        if (!Uri.TryCreate(file.DownloadUrl, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http"))
        {
            throw Malformed("the file answer has no usable download URL");
        }

        return new MiniMaxFile(file.FileId ?? fileId, file.Bytes, file.Filename, url);
    }

    /// <summary>
    /// Streams a presigned URL into <paramref name="destination"/>; returns the bytes written. Sends no key (the URL
    /// is its own permission, and storage services refuse a second one). 403/404/410 → <see cref="DownloadUrlExpiredException"/>.
    /// </summary>
    public Task<long> DownloadAsync(Uri url, Stream destination, IProgress<long>? progress, CancellationToken cancellationToken) =>
        MeasuredAsync("download", () => DownloadCallAsync(url, destination, progress, cancellationToken));

    private async Task<long> DownloadCallAsync(Uri url, Stream destination, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        using var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.Gone)
        {
            throw new DownloadUrlExpiredException((int)response.StatusCode);
        }

        EnsureHttpSuccess(response, mayHaveReachedServer: true);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[81920];
        long total = 0;
        int read;
        // The pipeline's timeouts end at the headers; a body that stops flowing is cut after the same idle time.
        var idleLimit = TimeSpan.FromSeconds(Math.Max(_options.RequestTimeoutSeconds, 1));
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            while (true)
            {
                idle.CancelAfter(idleLimit);
                read = await body.ReadAsync(buffer, idle.Token);
                if (read == 0)
                {
                    break;
                }

                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                total += read;
                progress?.Report(total);
            }
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MiniMaxException("download_stalled", $"The download stopped sending for {idleLimit.TotalSeconds:0} s after {total:N0} bytes.",
                isTransient: true, mayHaveReachedServer: true, e);
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            throw new MiniMaxException("download_interrupted", $"The download broke off after {total:N0} bytes.", isTransient: true, mayHaveReachedServer: true, e);
        }

        return total;
    }

    public Task<SpeechAudio> TextToSpeechAsync(string text, string voiceId, CancellationToken cancellationToken) =>
        MeasuredAsync("speech", () => TextToSpeechCallAsync(text, voiceId, cancellationToken));

    private async Task<SpeechAudio> TextToSpeechCallAsync(string text, string voiceId, CancellationToken cancellationToken)
    {
        var audio = new AudioSetting();
        var request = new TextToSpeechRequest(_options.SpeechModel, text, Stream: false, new VoiceSetting(voiceId), audio, OutputFormat: "hex");
        var answer = await PostAsync<TextToSpeechResponse>("v1/t2a_v2", request, cancellationToken);
        EnsureSucceeded(answer.BaseResp, mayHaveTakenEffect: true);
        var hex = answer.Data?.Audio;
        if (string.IsNullOrEmpty(hex))
        {
            throw Malformed("the speech answer holds no audio");
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromHexString(hex);
        }
        catch (FormatException e)
        {
            throw Malformed("the speech answer's audio is not hex", e);
        }

        return new SpeechAudio(bytes, answer.ExtraInfo?.AudioFormat ?? audio.Format, TimeSpan.FromMilliseconds(answer.ExtraInfo?.AudioLength ?? 0));
    }

    /// <summary>System voices first, then the account's cloned ones.</summary>
    public Task<IReadOnlyList<MiniMaxVoice>> GetVoicesAsync(CancellationToken cancellationToken) =>
        MeasuredAsync("voices", () => GetVoicesCallAsync(cancellationToken));

    private async Task<IReadOnlyList<MiniMaxVoice>> GetVoicesCallAsync(CancellationToken cancellationToken)
    {
        var answer = await PostAsync<GetVoiceResponse>("v1/get_voice", new GetVoiceRequest("all"), cancellationToken);
        EnsureSucceeded(answer.BaseResp, mayHaveTakenEffect: false);
        static IEnumerable<MiniMaxVoice> Of(IReadOnlyList<VoiceEntry>? entries, bool cloned) =>
            (entries ?? []).Where(v => !string.IsNullOrWhiteSpace(v.VoiceId))
                .Select(v => new MiniMaxVoice(v.VoiceId!, string.IsNullOrWhiteSpace(v.VoiceName) ? v.VoiceId! : v.VoiceName, cloned));
        return [.. Of(answer.SystemVoice, cloned: false), .. Of(answer.VoiceCloning, cloned: true)];
    }

    /// <summary>
    /// One call as the metrics and traces see it: counted by endpoint and outcome (<c>minimax.code</c> 0, base_resp's
    /// code, or what went wrong), in a span of its own. A status answer that reports a failed generation is a call
    /// that worked; its code is the generation's. A call abandoned by a cancel or a shutdown is not counted.
    /// </summary>
    private async Task<T> MeasuredAsync<T>(string endpoint, Func<Task<T>> call)
    {
        using var span = VaasTracing.Source.StartActivity($"minimax {endpoint}", ActivityKind.Client);
        span?.SetTag("minimax.endpoint", endpoint);
        try
        {
            var result = await call();
            var code = result is GenerationReport { FailCode: { } failCode } ? failCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "0";
            _metrics.MiniMaxCall(endpoint, "ok", code);
            return result;
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception e)
        {
            var code = e switch
            {
                MiniMaxException miniMax => miniMax.MiniMaxCode,
                DownloadUrlExpiredException expired => $"http_{expired.Status}",
                _ => "malformed",
            };
            _metrics.MiniMaxCall(endpoint, "error", code);
            VaasTracing.Fail(span, code, e.Message);
            throw;
        }
    }

    private Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Endpoint(path));
        return ReadAndDisposeAsync<T>(request, cancellationToken);
    }

    private Task<T> PostAsync<T>(string path, object body, CancellationToken cancellationToken)
    {
        // Serialized up front: a known length and the same bytes on every try.
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), Json));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, Endpoint(path)) { Content = content };
        return ReadAndDisposeAsync<T>(request, cancellationToken);
    }

    private async Task<T> ReadAndDisposeAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            return await ReadAsync<T>(request, cancellationToken);
        }
    }

    private async Task<T> ReadAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey?.Trim() ?? "");
        var mayHaveTakenEffect = MiniMaxResilience.IsNonIdempotent(request);
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        EnsureHttpSuccess(response, mayHaveTakenEffect);
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken) ?? throw Malformed("the answer was empty", mayHaveReachedServer: mayHaveTakenEffect);
        }
        catch (JsonException e)
        {
            throw Malformed("the answer is not the JSON the contract describes", e, mayHaveTakenEffect);
        }
        catch (NotSupportedException e)
        {
            throw Malformed($"the answer is {response.Content.Headers.ContentType?.MediaType ?? "untyped"}, not JSON", e, mayHaveTakenEffect);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        var mayHaveTakenEffect = MiniMaxResilience.IsNonIdempotent(request);
        try
        {
            return await _http.SendAsync(request, completion, cancellationToken);
        }
        catch (BrokenCircuitException e)
        {
            throw new MiniMaxException("circuit_open",
                $"MiniMax calls are paused for up to {_options.BreakerBreakSeconds:0} s after repeated failures.", isTransient: true, mayHaveReachedServer: false, e);
        }
        catch (SubmitThrottledException e)
        {
            throw new MiniMaxException("throttled", e.Message, isTransient: true, mayHaveReachedServer: false, e);
        }
        catch (TimeoutRejectedException e)
        {
            throw new MiniMaxException("timeout", $"MiniMax did not answer within {e.Timeout.TotalSeconds:0.#} s.", isTransient: true, mayHaveTakenEffect, e);
        }
        catch (HttpRequestException e)
        {
            var refused = MiniMaxResilience.IsConnectionRefused(e);
            var what = refused ? $"MiniMax at {_http.BaseAddress?.Authority ?? request.RequestUri?.Authority} refused the connection"
                : $"The connection to MiniMax failed ({e.HttpRequestError})";
            throw new MiniMaxException("connection", what + ".", isTransient: true, mayHaveTakenEffect && !refused, e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MiniMaxException("timeout", "The call to MiniMax timed out.", isTransient: true, mayHaveTakenEffect, e);
        }
    }

    private Uri Endpoint(string path)
    {
        var baseUrl = _options.BaseUrl.TrimEnd('/') + "/";
        return new Uri(new Uri(baseUrl), path);
    }

    private static void EnsureHttpSuccess(HttpResponseMessage response, bool mayHaveReachedServer)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var status = (int)response.StatusCode;
        var transient = MiniMaxResilience.IsTransientStatus(response.StatusCode);
        var words = status switch
        {
            401 or 403 => "MiniMax refused the key; check MiniMax:ApiKey and that it belongs to MiniMax:BaseUrl's region",
            429 => "MiniMax is rate limiting this key",
            >= 500 => "MiniMax (or a gateway in front of it) failed",
            _ => "MiniMax refused the request",
        };
        // 429 says the request was turned away; a 5xx says nothing about whether it was carried out.
        throw new MiniMaxException($"http_{status}", $"{words} (HTTP {status} {response.ReasonPhrase}).", transient,
            mayHaveReachedServer && !MiniMaxResilience.WasTurnedAway(response.StatusCode));
    }

    /// <param name="mayHaveTakenEffect">
    /// For requests that make MiniMax do something: an answer without <c>base_resp</c> (a gateway's JSON, an empty
    /// object) proves nothing, so it may have been carried out. Only a non-zero code proves it was not.
    /// </param>
    private static void EnsureSucceeded(BaseResponse? answer, bool mayHaveTakenEffect)
    {
        if (answer is null)
        {
            throw Malformed("the answer has no base_resp", mayHaveReachedServer: mayHaveTakenEffect);
        }

        if (answer.StatusCode != 0)
        {
            throw new MiniMaxException(answer.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "MiniMax: " + MiniMaxErrorCodes.Describe(answer.StatusCode, answer.StatusMsg),
                MiniMaxErrorCodes.IsRetryable(answer.StatusCode), mayHaveReachedServer: false);
        }
    }

    private static MiniMaxException Malformed(string what, Exception? inner = null, bool mayHaveReachedServer = true) =>
        new("malformed", $"MiniMax's answer could not be read: {what}.", isTransient: true, mayHaveReachedServer, inner);
}
