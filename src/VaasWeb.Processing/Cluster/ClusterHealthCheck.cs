using Microsoft.Extensions.Diagnostics.HealthChecks;
using VaasWeb.Processing.Tasks;

namespace VaasWeb.Processing.Cluster;

/// <summary>
/// <c>scheduler</c> on /healthz: in a cluster, the nodes checking in to Quartz and how long ago each did; degraded
/// when this node is missing among them or a live node's media-root mark is missing here (not one shared folder).
/// </summary>
internal sealed class ClusterHealthCheck(ClusterMode cluster, IServiceProvider services, WorkerIdentity worker, TimeProvider clock) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!cluster.IsClustered)
        {
            return HealthCheckResult.Healthy($"one node ({worker.Id}), in-memory scheduler");
        }

        try
        {
            var nodes = await ((ClusterNodes)services.GetService(typeof(ClusterNodes))!).ListAsync(cancellationToken);
            var now = clock.GetUtcNow();
            var seen = string.Join(", ", nodes.Select(n => $"{n.Id} ({Math.Max(0, (now - n.LastCheckin).TotalSeconds):0} s ago)"));
            var watch = (NodeWatch?)services.GetService(typeof(NodeWatch));
            if (nodes.All(n => n.Id != worker.Id))
            {
                return HealthCheckResult.Degraded($"this node ({worker.Id}) has not checked in; nodes: {seen}");
            }

            if (watch?.Unshared is { Count: > 0 } unshared)
            {
                return HealthCheckResult.Degraded($"Storage:MediaRoot is not shared with {string.Join(", ", unshared)}; nodes: {seen}");
            }

            return HealthCheckResult.Healthy($"{nodes.Count} node(s) checking in: {seen}");
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy($"The cluster's scheduler tables cannot be read: {e.Message}");
        }
    }
}
