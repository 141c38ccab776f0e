using System.Net;
using System.Net.Sockets;
using System.Text;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace VaasWeb.Processing.Webhooks;

/// <summary>How one round of a delivery ended.</summary>
public sealed record WebhookAttemptResult(bool Delivered, int Attempts, int? StatusCode, string? Error);

/// <summary>
/// The typed client that calls webhook endpoints. Its standard resilience handler (one pipeline per endpoint
/// authority, so one dead receiver's breaker never stops the others) retries transient failures within a round;
/// the durable schedule between rounds is the sender's.
/// </summary>
public sealed class WebhookClient(HttpClient http)
{
    public const string EventHeader = "X-Vaas-Event";
    public const string EventIdHeader = "X-Vaas-Event-Id";

    internal static readonly HttpRequestOptionsKey<AttemptCounter> Counter = new("vaas.webhook.attempts");

    public async Task<WebhookAttemptResult> SendAsync(Uri url, string secret, WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(delivery.Body);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        request.Headers.Add(WebhookSecrets.Header, WebhookSecrets.Sign(secret, body));
        request.Headers.Add(EventHeader, delivery.Event);
        request.Headers.Add(EventIdHeader, delivery.EventId.ToString());
        var counter = new AttemptCounter();
        request.Options.Set(Counter, counter);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var code = (int)response.StatusCode;
            return response.IsSuccessStatusCode
                ? new WebhookAttemptResult(true, counter.Count, code, null)
                : new WebhookAttemptResult(false, counter.Count, code, $"The endpoint answered {code} {response.ReasonPhrase}.".Replace(" .", "."));
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && Describe(e) is { } why)
        {
            return new WebhookAttemptResult(false, counter.Count, null, why);
        }
    }

    private static string? Describe(Exception e) => e switch
    {
        _ when Find<WebhookTargetRefusedException>(e) is { } refused => refused.Message,
        TimeoutRejectedException or TaskCanceledException => "The endpoint did not answer in time.",
        BrokenCircuitException => "The endpoint failed repeatedly; calls to it pause for a while (circuit open).",
        HttpRequestException { InnerException: SocketException socket } => $"Could not connect: {socket.Message}.",
        HttpRequestException http => $"The request failed: {http.Message}",
        _ => null,
    };

    internal static T? Find<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>The primary handler: no redirects followed (a 3xx is a failure) and sockets only to allowed addresses.</summary>
    internal static SocketsHttpHandler PrimaryHandler(WebhookTargets targets) => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = async (context, cancellationToken) =>
        {
            var addresses = await targets.AllowedAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    internal sealed class AttemptCounter
    {
        private int _count;

        public int Count => _count;

        public void Increment() => Interlocked.Increment(ref _count);
    }

    /// <summary>Inside the resilience handler: sees every attempt, retries included.</summary>
    internal sealed class CountingHandler : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Options.TryGetValue(Counter, out var counter))
            {
                counter.Increment();
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
