using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using MiniMax.Emulator.Contract;
using MiniMax.Emulator.Endpoints;
using MiniMax.Emulator.Faults;

namespace MiniMax.Emulator.Requests;

/// <summary>
/// What stands in front of every /v1 and /files endpoint: it logs the request, applies an injected fault, and checks
/// the API key. Faults come before the key check, the way a gateway fails before the service sees the request.
/// </summary>
public sealed partial class GatewayMiddleware(
    RequestDelegate next,
    RequestLog log,
    FaultInjector faults,
    DownloadLinks links,
    IOptions<EmulatorOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<GatewayMiddleware> logger)
{
    private const int Dropped = 0;

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!request.Path.StartsWithSegments("/v1") && !request.Path.StartsWithSegments("/files"))
        {
            await next(context);
            return;
        }

        var endpoint = context.GetEndpoint()?.Metadata.GetMetadata<EmulatedEndpoint>()?.Name;
        var fault = endpoint is null ? null : faults.Take(endpoint);
        var authorized = endpoint == EndpointNames.Download ? links.Check(context) == LinkCheck.Valid : HasApiKey(request);
        var fileId = request.RouteValues["file_id"] as string ?? NullIfEmpty(request.Query["file_id"]);
        var record = log.Start(request.Method, request.Path, endpoint, NullIfEmpty(request.Query["task_id"]), fileId, authorized, fault?.Kind);
        context.Features.Set(record);
        // Recorded as the answer starts, before the client can read it: a client that asks the log right after an
        // answer must find its status there.
        context.Response.OnStarting(() =>
        {
            log.CompleteIfOpen(record, context.Response.StatusCode);
            return Task.CompletedTask;
        });

        var status = Dropped;
        try
        {
            status = await AnswerAsync(context, endpoint, fault, authorized);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away while the endpoint was reading its request: nothing was answered.
        }
        catch
        {
            status = StatusCodes.Status500InternalServerError;
            throw;
        }
        finally
        {
            // Again for answers that never started (dropped, or no body yet): their status is known only now.
            var entry = log.Complete(record, status);
            // Never the Authorization header or the download signature: path and ids only.
            LogRequest(entry.Method, entry.Path, entry.TaskId ?? "-", status, entry.Fault ?? "none");
        }
    }

    /// <summary>Answers the request and returns the HTTP status sent (0 when the connection was dropped).</summary>
    private async Task<int> AnswerAsync(HttpContext context, string? endpoint, AppliedFault? fault, bool authorized)
    {
        if (fault is null)
        {
            await RunEndpointAsync(context, endpoint, authorized);
            return context.Response.StatusCode;
        }

        if (!fault.RunsEndpoint)
        {
            if (!await DelayAsync(fault.DelayMs))
            {
                return Abort(context);
            }

            await WriteFaultAsync(context, fault);
            return context.Response.StatusCode;
        }

        // slow, drop and malformed act on the normal answer: make it (a submit creates its task), hold it back, then
        // send it late, not at all, or cut off.
        var answer = await CaptureAsync(context, c => RunEndpointAsync(c, endpoint, authorized));
        if (!await DelayAsync(fault.DelayMs) || fault.Kind == FaultKinds.Drop)
        {
            return Abort(context);
        }

        if (fault.Kind == FaultKinds.Malformed)
        {
            answer = Truncate(context, answer);
        }

        context.Response.ContentLength = answer.Length;
        try
        {
            await context.Response.Body.WriteAsync(answer, lifetime.ApplicationStopping);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // A slow answer whose client gave up: it was sent, into a closed connection, as on a real server.
        }

        return context.Response.StatusCode;
    }

    private async Task RunEndpointAsync(HttpContext context, string? endpoint, bool authorized)
    {
        // Downloads are authorized by their signed URL (checked by the endpoint); unknown paths get a plain 404.
        if (endpoint is not null && endpoint != EndpointNames.Download && !authorized)
        {
            var invalidKey = new BaseResp(MiniMaxCodes.InvalidApiKey, MiniMaxCodes.MessageFor(MiniMaxCodes.InvalidApiKey));
            await context.Response.WriteAsJsonAsync(new ErrorResponse(invalidKey), ContractJson.Options);
            return;
        }

        await next(context);
    }

    private static async Task WriteFaultAsync(HttpContext context, AppliedFault fault)
    {
        var response = context.Response;
        if (fault.Kind == FaultKinds.BaseResp)
        {
            var baseResp = new BaseResp(fault.Code, fault.Message ?? MiniMaxCodes.MessageFor(fault.Code));
            await response.WriteAsJsonAsync(new ErrorResponse(baseResp), ContractJson.Options);
            return;
        }

        response.StatusCode = int.Parse(fault.Kind["http_".Length..], System.Globalization.CultureInfo.InvariantCulture);
        if (response.StatusCode == StatusCodes.Status429TooManyRequests)
        {
            response.Headers.RetryAfter = "1";
        }

        response.ContentType = "text/plain; charset=utf-8";
        await response.WriteAsync(fault.Message ?? $"{response.StatusCode} {ReasonPhrases.GetReasonPhrase(response.StatusCode)}");
    }

    /// <summary>Runs the endpoint with its body going to memory; status and headers are set on the response as usual.</summary>
    private static async Task<byte[]> CaptureAsync(HttpContext context, Func<HttpContext, Task> endpoint)
    {
        var original = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        using var buffer = new MemoryStream();
        var capture = new StreamResponseBodyFeature(buffer);
        context.Features.Set<IHttpResponseBodyFeature>(capture);
        try
        {
            await endpoint(context);
            await capture.CompleteAsync();
        }
        finally
        {
            context.Features.Set(original);
        }

        return buffer.ToArray();
    }

    /// <summary>The first half of the answer: for JSON, a prefix that no parser accepts; for a download, a cut-off file.</summary>
    private static byte[] Truncate(HttpContext context, byte[] answer)
    {
        if (answer.Length < 2)
        {
            context.Response.ContentType = "application/json";
            return Encoding.UTF8.GetBytes("""{"base_resp":{"status_code":0,"status_""");
        }

        // A partial-content answer would describe a range that is no longer there.
        context.Response.Headers.ContentRange = default;
        if (context.Response.StatusCode == StatusCodes.Status206PartialContent)
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
        }

        return answer[..(answer.Length / 2)];
    }

    private async Task<bool> DelayAsync(int milliseconds)
    {
        if (milliseconds <= 0)
        {
            return true;
        }

        try
        {
            // Not the request's token: a slow answer is sent (into the void) even when the client gave up, so the log
            // shows the same status whatever the client's timeout. Stopping the app does cut it short.
            await Task.Delay(milliseconds, lifetime.ApplicationStopping);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private int Abort(HttpContext context)
    {
        // Logged before the connection closes: a client that asks the log as soon as its request failed must find
        // the 0 there, not an answer still open.
        if (context.Features.Get<RequestRecord>() is { } record)
        {
            log.Complete(record, Dropped);
        }

        context.Abort();
        return Dropped;
    }

    private bool HasApiKey(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var presented = Encoding.UTF8.GetBytes(header[scheme.Length..].Trim());
        return System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(presented, Encoding.UTF8.GetBytes(options.Value.ApiKey));
    }

    private static string? NullIfEmpty(Microsoft.Extensions.Primitives.StringValues value) =>
        string.IsNullOrEmpty(value) ? null : value.ToString();

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path} task {TaskId} -> {Status} fault {Fault}")]
    private partial void LogRequest(string method, string path, string taskId, int status, string fault);
}
