using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;
using VaasWeb.Processing.Failures;

namespace VaasWeb.Processing.Generation.MiniMax;

/// <summary>
/// The one resilience pipeline of <see cref="MiniMaxClient"/>, configured from <see cref="MiniMaxOptions"/>:
/// a total timeout, retries with exponential backoff and jitter, a circuit breaker, and a timeout per attempt.
/// What may be retried depends on the request: a read is retried on any transient failure; a request that
/// creates something (a generation, speech, a voice) only when the answer proves it did not arrive or was
/// turned away, because MiniMax would carry out (and charge) the same request twice.
/// </summary>
public static class MiniMaxResilience
{
    public static IServiceCollection AddMiniMaxClient(this IServiceCollection services)
    {
        services.AddSingleton<SubmitRateGate>();
        services.AddTransient<SubmitThrottleHandler>();
        // No per-request logging: a poll is a request, a hundred a second with 1,000 in flight. Failures still reach
        // the log as MiniMaxException through the poller, the submit job and the retrieve job.
        var client = services.AddHttpClient<MiniMaxClient>().RemoveAllLoggers();
        client.AddResilienceHandler("minimax", (pipeline, context) =>
            Configure(pipeline, context.ServiceProvider.GetRequiredService<IOptions<MiniMaxOptions>>().Value));
        // Inside the pipeline: every attempt, retries included, counts against the submit rate.
        client.AddHttpMessageHandler<SubmitThrottleHandler>();
        return services;
    }

    internal static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, MiniMaxOptions options)
    {
        var attempt = TimeSpan.FromSeconds(Math.Clamp(options.RequestTimeoutSeconds, 0.1, 3600));
        var maxDelay = TimeSpan.FromSeconds(Math.Max(options.RetryDelaySeconds * 8, 1));
        var retries = Math.Clamp(options.MaxRetries, 0, 10);
        pipeline
            .AddTimeout(new HttpTimeoutStrategyOptions { Timeout = attempt * (retries + 1) + maxDelay * retries })
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(retries, 1),
                ShouldHandle = args => retries == 0 ? ValueTask.FromResult(false) : ShouldRetryAsync(args.Outcome, args.Context),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(Math.Max(options.RetryDelaySeconds, 0.01)),
                MaxDelay = maxDelay,
            })
            .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                ShouldHandle = args => IsFailureAsync(args.Outcome),
                FailureRatio = Math.Clamp(options.BreakerFailureRatio, 0.01, 1),
                MinimumThroughput = Math.Max(options.BreakerMinimumThroughput, 2),
                // The options validator insists the window covers two attempts.
                SamplingDuration = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(Math.Max(options.BreakerSamplingSeconds, 0.5)).Ticks, 2 * attempt.Ticks)),
                BreakDuration = TimeSpan.FromSeconds(Math.Max(options.BreakerBreakSeconds, 0.5)),
            })
            .AddTimeout(new HttpTimeoutStrategyOptions { Timeout = attempt });
    }

    /// <summary>Requests that make MiniMax do (and charge for) something; get_voice is a POST that only reads.</summary>
    public static bool IsNonIdempotent(HttpRequestMessage request) =>
        request.Method == HttpMethod.Post && request.RequestUri?.AbsolutePath.EndsWith("/get_voice", StringComparison.Ordinal) != true;

    public static bool IsSubmit(HttpRequestMessage request) =>
        request.Method == HttpMethod.Post && request.RequestUri?.AbsolutePath.EndsWith("/v1/video_generation", StringComparison.Ordinal) == true;

    public static bool IsTransientStatus(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>
    /// 429 says the request was not carried out, so even a submit may be sent again. Not 503: some gateways answer
    /// it after passing the request on.
    /// </summary>
    public static bool WasTurnedAway(HttpStatusCode status) => status == HttpStatusCode.TooManyRequests;

    public static bool IsConnectionRefused(HttpRequestException e) =>
        e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused }
        || e.InnerException?.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused };

    private static async ValueTask<bool> ShouldRetryAsync(Outcome<HttpResponseMessage> outcome, ResilienceContext context)
    {
        var request = context.GetRequestMessage();
        var creates = request is not null && IsNonIdempotent(request);
        if (outcome.Exception is { } exception)
        {
            return exception switch
            {
                SubmitThrottledException => false,
                BrokenCircuitException => false,
                // Refused: nothing was sent. Anything else may have arrived, and only reads may be asked again.
                HttpRequestException e => !creates || IsConnectionRefused(e),
                TimeoutRejectedException => !creates,
                _ => false,
            };
        }

        var response = outcome.Result!;
        if (WasTurnedAway(response.StatusCode))
        {
            return true;
        }

        if (IsTransientStatus(response.StatusCode))
        {
            return !creates;
        }

        // An error code in the answer means MiniMax looked at the request and did not carry it out.
        return await ErrorCodeOfAsync(response) is { } code && MiniMaxErrorCodes.IsRetryable(code);
    }

    private static async ValueTask<bool> IsFailureAsync(Outcome<HttpResponseMessage> outcome)
    {
        if (outcome.Exception is { } exception)
        {
            return exception is HttpRequestException or TimeoutRejectedException;
        }

        var response = outcome.Result!;
        if (IsTransientStatus(response.StatusCode))
        {
            return true;
        }

        return await ErrorCodeOfAsync(response) is { } code && MiniMaxErrorCodes.IsRetryable(code);
    }

    /// <summary>The non-zero <c>base_resp.status_code</c> of a JSON answer; the body stays readable for the client.</summary>
    internal static async ValueTask<int?> ErrorCodeOfAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode || response.Content.Headers.ContentType?.MediaType?.EndsWith("json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return null;
        }

        try
        {
            // Buffered, and read as a copy: the content's own stream is handed out again to the client, so it must
            // not be consumed or disposed here.
            await response.Content.LoadIntoBufferAsync();
            using var document = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
            var code = document.RootElement.TryGetProperty("base_resp", out var baseResp)
                       && baseResp.TryGetProperty("status_code", out var status)
                       && status.TryGetInt32(out var value)
                ? value
                : 0;
            return code == 0 ? null : code;
        }
        catch (JsonException)
        {
            // Malformed answers are the client's to report; they are not an error code.
            return null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
