using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace VaasWeb.Realtime;

/// <summary>
/// Pings Redis at every request. Redis away is Degraded, not Unhealthy: the node still runs its work and serves
/// its pages (a load balancer should keep it), only live events between nodes and hub pushes wait for Redis.
/// </summary>
internal sealed class RedisHealthCheck(RedisConnection redis) : IHealthCheck
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var connection = await redis.GetAsync().WaitAsync(Patience, cancellationToken);
            var latency = await connection.GetDatabase().PingAsync().WaitAsync(Patience, cancellationToken);
            return HealthCheckResult.Healthy($"{redis.Endpoints}, ping {latency.TotalMilliseconds:0.#} ms");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var reason = e is TimeoutException ? $"no answer within {Patience.TotalSeconds:0} s" : redis.WithoutSecrets(e.Message.Split(". ")[0]);
            return HealthCheckResult.Degraded(
                $"Redis at {redis.Endpoints} cannot be reached ({reason}): live events between nodes and hub pushes stop until it is back; this node's own work and pages go on");
        }
    }
}
