using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Telemetry;

namespace VaasWeb.Processing.Webhooks;

/// <summary>
/// Sends the outbox on every node: claims a due delivery with a conditional update (only one node wins it; a claim
/// whose node died runs out and can be taken over), sends it, and writes the outcome: delivered, or the next round on
/// the durable backoff schedule, or given up. It runs beside the jobs, never in their way: sends are bounded per node
/// and per endpoint, and each round has its own timeout.
/// </summary>
public sealed class WebhookSender(
    IDbContextFactory<VaasDbContext> dbFactory,
    IServiceProvider services,
    WebhookSignal signal,
    WebhookSecrets secrets,
    WorkerIdentity worker,
    IOptions<WebhookOptions> options,
    TimeProvider clock,
    VaasMetrics metrics,
    ILogger<WebhookSender> logger) : BackgroundService
{
    private const int PerEndpoint = 2;
    private static readonly TimeSpan Look = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<Guid, Task> _inFlight = new();
    private readonly ConcurrentDictionary<Guid, int> _perEndpoint = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await StartDueAsync(stoppingToken);
                await signal.WaitAsync(Look, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // The database away for a moment: the outbox keeps everything, the next look tries again.
                logger.LogWarning(e, "Looking for webhook deliveries failed; trying again shortly");
                await Task.Delay(Look * 5, clock, stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
            }
        }

        await Task.WhenAll(_inFlight.Values);
        await ReleaseClaimsAsync();
    }

    private async Task StartDueAsync(CancellationToken stoppingToken)
    {
        var free = options.Value.MaxConcurrentSends - _inFlight.Count;
        if (free <= 0)
        {
            return;
        }

        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(stoppingToken);
        var due = await Due(db.Set<WebhookDelivery>(), now)
            .OrderBy(d => d.NextAttemptAt)
            .Select(d => new { d.Id, d.EndpointId })
            .Take(free * 4)
            .ToListAsync(stoppingToken);
        foreach (var candidate in due)
        {
            if (_inFlight.Count >= options.Value.MaxConcurrentSends)
            {
                break;
            }

            if (_inFlight.ContainsKey(candidate.Id) || _perEndpoint.GetValueOrDefault(candidate.EndpointId) >= PerEndpoint)
            {
                continue;
            }

            var claimed = await Due(db.Set<WebhookDelivery>().Where(d => d.Id == candidate.Id), now)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(d => d.Status, WebhookDeliveryStatus.Sending)
                    .SetProperty(d => d.ClaimedBy, worker.Id)
                    .SetProperty(d => d.ClaimedUntil, now + options.Value.ClaimFor), stoppingToken);
            if (claimed != 1)
            {
                continue;
            }

            _perEndpoint.AddOrUpdate(candidate.EndpointId, 1, (_, n) => n + 1);
            _inFlight[candidate.Id] = Task.Run(() => SendClaimedAsync(candidate.Id, candidate.EndpointId, stoppingToken), CancellationToken.None);
        }
    }

    private static IQueryable<WebhookDelivery> Due(IQueryable<WebhookDelivery> deliveries, DateTimeOffset now) =>
        deliveries.Where(d => (d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt <= now)
            || (d.Status == WebhookDeliveryStatus.Sending && d.ClaimedUntil < now));

    private async Task SendClaimedAsync(Guid deliveryId, Guid endpointId, CancellationToken stoppingToken)
    {
        try
        {
            await SendAsync(deliveryId, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the claim is released below and the round runs again after the start.
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Sending webhook delivery {DeliveryId} failed unexpectedly; its claim runs out and it is tried again", deliveryId);
        }
        finally
        {
            _perEndpoint.AddOrUpdate(endpointId, 0, (_, n) => Math.Max(0, n - 1));
            _inFlight.TryRemove(deliveryId, out _);
            signal.Wake();
        }
    }

    private async Task SendAsync(Guid deliveryId, CancellationToken stoppingToken)
    {
        WebhookDelivery? delivery;
        WebhookEndpoint? endpoint;
        await using (var db = await dbFactory.CreateDbContextAsync(stoppingToken))
        {
            delivery = await db.Set<WebhookDelivery>().AsNoTracking().FirstOrDefaultAsync(d => d.Id == deliveryId, stoppingToken);
            endpoint = delivery is null ? null : await db.Set<WebhookEndpoint>().AsNoTracking().FirstOrDefaultAsync(e => e.Id == delivery.EndpointId, stoppingToken);
        }

        if (delivery is null || endpoint is null)
        {
            return; // The endpoint was deleted meanwhile, and its deliveries with it.
        }

        WebhookAttemptResult result;
        using (var round = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
        {
            round.CancelAfter(options.Value.RoundTimeout);
            var targets = services.GetRequiredService<WebhookTargets>();
            var client = services.GetRequiredService<WebhookClient>();
            try
            {
                result = await targets.CheckHostAsync(new Uri(endpoint.Url), round.Token) is { } refused
                    ? new WebhookAttemptResult(false, 0, null, refused)
                    : await client.SendAsync(new Uri(endpoint.Url), secrets.Unprotect(endpoint.ProtectedSecret), delivery, round.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                result = new WebhookAttemptResult(false, 1, null, $"The endpoint did not answer within {options.Value.RoundTimeout.TotalSeconds:0} s.");
            }
        }

        await RecordAsync(delivery, result);
    }

    /// <summary>Written even while the host stops: a round that was sent must not be sent again for lack of a write.</summary>
    private async Task RecordAsync(WebhookDelivery delivery, WebhookAttemptResult result)
    {
        var now = clock.GetUtcNow();
        var rounds = delivery.Rounds + 1;
        var next = now + options.Value.RetryDelay(rounds);
        var status = result.Delivered ? WebhookDeliveryStatus.Delivered
            : next > delivery.GiveUpAt ? WebhookDeliveryStatus.Failed
            : WebhookDeliveryStatus.Pending;
        var error = result.Delivered ? null
            : status == WebhookDeliveryStatus.Failed ? $"{result.Error} Given up after {delivery.Attempts + result.Attempts} attempts."
            : result.Error;
        error = error is { Length: > 1000 } ? error[..999] + "…" : error;
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        var written = await db.Set<WebhookDelivery>()
            .Where(d => d.Id == delivery.Id && d.Status == WebhookDeliveryStatus.Sending && d.ClaimedBy == worker.Id)
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, status)
                .SetProperty(d => d.Attempts, d => d.Attempts + result.Attempts)
                .SetProperty(d => d.Rounds, rounds)
                .SetProperty(d => d.LastStatusCode, result.StatusCode)
                .SetProperty(d => d.LastError, error)
                .SetProperty(d => d.NextAttemptAt, result.Delivered ? now : next)
                .SetProperty(d => d.DeliveredAt, result.Delivered ? now : null)
                .SetProperty(d => d.ClaimedBy, (string?)null)
                .SetProperty(d => d.ClaimedUntil, (DateTimeOffset?)null), CancellationToken.None);
        if (written > 0)
        {
            metrics.WebhookRound(delivery.Event, status switch
            {
                WebhookDeliveryStatus.Delivered => "delivered",
                WebhookDeliveryStatus.Failed => "failed",
                _ => "retrying",
            });
        }

        if (written == 0)
        {
            logger.LogWarning("Webhook delivery {DeliveryId} was taken over by another node before its outcome was written", delivery.Id);
        }
        else if (status == WebhookDeliveryStatus.Failed)
        {
            logger.LogWarning("Webhook delivery {DeliveryId} ({Event} of task {TaskId}) given up: {Error}", delivery.Id, delivery.Event, delivery.TaskId, error);
        }
    }

    private async Task ReleaseClaimsAsync()
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            await db.Set<WebhookDelivery>()
                .Where(d => d.Status == WebhookDeliveryStatus.Sending && d.ClaimedBy == worker.Id)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(d => d.Status, WebhookDeliveryStatus.Pending)
                    .SetProperty(d => d.ClaimedBy, (string?)null)
                    .SetProperty(d => d.ClaimedUntil, (DateTimeOffset?)null), CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Releasing this node's webhook claims at shutdown failed; they run out by themselves");
        }
    }
}
