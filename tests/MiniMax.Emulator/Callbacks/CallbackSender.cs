using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using MiniMax.Emulator.Contract;
using MiniMax.Emulator.State;

namespace MiniMax.Emulator.Callbacks;

/// <summary>One call the emulator made to a <c>callback_url</c>, as <c>GET /control/callbacks</c> shows it.</summary>
/// <param name="Kind"><c>challenge</c> or <c>status</c>.</param>
/// <param name="HttpStatus">The answer's status code; 0 when no answer came (refused, timed out).</param>
/// <param name="Echoed">For a challenge: whether the answer carried the same value back in time.</param>
public sealed record CallbackLogEntry(string At, string TaskId, string Url, string Kind, string? Status, int HttpStatus, bool? Echoed, string? Error);

/// <summary>
/// MiniMax's callbacks as the contract describes them: when a submit names a <c>callback_url</c>, the URL is first
/// sent <c>{"challenge": "…"}</c> and must echo it within 3 s; only then is it sent each status change of the task,
/// shaped like the status answer (with <c>file_id</c> on Success, <c>base_resp</c> with the reason on Fail). A lost or
/// refused callback is not sent again: the client's polling is the safety net. Turned off with the
/// <c>send_callbacks</c> setting.
/// </summary>
public sealed class CallbackSender(
    EmulatorSettings settings, FileStore files, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<CallbackSender> logger) : IDisposable
{
    public static readonly TimeSpan ChallengeTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Watch = TimeSpan.FromMilliseconds(100);

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly ConcurrentQueue<CallbackLogEntry> _log = new();

    public IEnumerable<CallbackLogEntry> Entries(string? taskId) => _log.Where(e => taskId is null || e.TaskId == taskId);

    public void Start(VideoTask task, Uri callbackUrl) => _ = Task.Run(() => RunAsync(task, callbackUrl));

    public void Dispose() => _http.Dispose();

    private async Task RunAsync(VideoTask task, Uri url)
    {
        var stopping = lifetime.ApplicationStopping;
        try
        {
            if (!settings.Current.SendCallbacks || !await ChallengeAsync(task, url, stopping))
            {
                return;
            }

            string? sent = null;
            while (!stopping.IsCancellationRequested)
            {
                var status = task.StatusAt(time.GetUtcNow(), settings.Current);
                if (status != sent && settings.Current.SendCallbacks)
                {
                    await SendStatusAsync(task, url, status, stopping);
                    sent = status;
                }

                if (status is VideoStatus.Success or VideoStatus.Fail)
                {
                    return;
                }

                await Task.Delay(Watch, time, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogError(e, "Calling back for task {TaskId} failed", task.TaskId);
        }
    }

    private async Task<bool> ChallengeAsync(VideoTask task, Uri url, CancellationToken stopping)
    {
        var challenge = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(ChallengeTimeout);
        try
        {
            using var response = await _http.PostAsJsonAsync(url, new { challenge }, ContractJson.Options, timeout.Token);
            var echoed = false;
            if (response.IsSuccessStatusCode)
            {
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(timeout.Token));
                echoed = body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("challenge", out var back)
                    && back.ValueKind == JsonValueKind.String && back.GetString() == challenge;
            }

            Record(task, url, "challenge", null, (int)response.StatusCode, echoed, echoed ? null : "the answer did not echo the challenge");
            return echoed;
        }
        catch (Exception e) when (e is HttpRequestException or JsonException || (e is OperationCanceledException && !stopping.IsCancellationRequested))
        {
            Record(task, url, "challenge", null, 0, false, e is OperationCanceledException ? $"no answer within {ChallengeTimeout.TotalSeconds:0} s" : e.Message);
            return false;
        }
    }

    private async Task SendStatusAsync(VideoTask task, Uri url, string status, CancellationToken stopping)
    {
        object body = status switch
        {
            VideoStatus.Success => Success(task),
            VideoStatus.Fail when task.Failure is { } failure => new QueryResponse(task.TaskId, status, null, null, null, new BaseResp(failure.Code, failure.Message)),
            _ => new QueryResponse(task.TaskId, status, null, null, null, BaseResp.Success),
        };
        try
        {
            using var response = await _http.PostAsJsonAsync(url, body, ContractJson.Options, stopping);
            Record(task, url, "status", status, (int)response.StatusCode, null, null);
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !stopping.IsCancellationRequested))
        {
            Record(task, url, "status", status, 0, null, e.Message);
        }
    }

    private QueryResponse Success(VideoTask task)
    {
        var file = files.AddVideo(task);
        var (width, height) = VideoModels.SizeOf(task.Spec.Resolution);
        return new QueryResponse(task.TaskId, VideoStatus.Success, file.FileId.ToString(CultureInfo.InvariantCulture), width, height, BaseResp.Success);
    }

    private void Record(VideoTask task, Uri url, string kind, string? status, int httpStatus, bool? echoed, string? error)
    {
        var at = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        _log.Enqueue(new CallbackLogEntry(at, task.TaskId, url.ToString(), kind, status, httpStatus, echoed, error));
        logger.LogInformation("callback {Kind} {Status} for task {TaskId} -> {HttpStatus}{Error}", kind, status, task.TaskId, httpStatus, error is null ? "" : $" ({error})");
    }
}
