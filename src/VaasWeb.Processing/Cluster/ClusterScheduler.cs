using Microsoft.Extensions.DependencyInjection;
using Quartz;
using VaasWeb.Processing.Tasks;

namespace VaasWeb.Processing.Cluster;

/// <summary>
/// Quartz's own clustering, on the app's PostgreSQL database: jobs and triggers live in Quartz's tables (it creates
/// them itself, safely when two nodes start at once), each trigger fires on exactly one node, and a node that stops
/// checking in for <see cref="CheckinMisfireThreshold"/> has its acquired triggers released to the others.
/// Per-node limits (<c>Ingestion:MaxConcurrentJobs</c>) are Quartz execution limits, which hold on each node.
/// </summary>
public static class ClusterScheduler
{
    public static readonly TimeSpan CheckinInterval = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How late a check-in may be before the node counts as gone. Generous on purpose: a node wrongly declared dead
    /// would have its running tasks started again elsewhere while it still runs them.
    /// </summary>
    public static readonly TimeSpan CheckinMisfireThreshold = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How often an idle node looks for work again: Quartz wakes the node that queued a job at once, but not the other
    /// nodes, nor this one when a slot of a full execution group (<c>Ingestion:MaxConcurrentJobs</c>) frees up, so the
    /// next queued ingestion waits for this look. Quartz's default of 30 s left a free node idle beside a busy one and
    /// added up to 30 s between queued ingestions; 1 s is Quartz's minimum (the cluster-ingest benchmark measures it).
    /// </summary>
    public static readonly TimeSpan IdleWaitTime = TimeSpan.FromSeconds(1);

    public static void UseClusteredStore(IQuartzBuilder quartz, ClusterMode cluster, WorkerIdentity worker)
    {
        // Quartz's instance is the node: its rows in qrtz_scheduler_state are what NodeWatch reads.
        quartz.ConfigureScheduler(options =>
        {
            options.InstanceId = worker.Id;
            options.GenerateInstanceId = false;
            options.IdleWaitTime = IdleWaitTime;
        });
        quartz.UsePersistentStore(store =>
        {
            store.UsePostgres(cluster.ConnectionString ?? "");
            store.UseSystemTextJsonSerializer();
            store.UseClustering(c =>
            {
                c.CheckinInterval = CheckinInterval;
                c.CheckinMisfireThreshold = CheckinMisfireThreshold;
            });
            store.ProvisionSchema();
        });
    }

    /// <summary>The node's Quartz instance is named after <c>Worker:Id</c>, and the nodes watch each other.</summary>
    public static void AddNodeServices(IServiceCollection services)
    {
        services.AddSingleton<ClusterNodes>();
        services.AddSingleton<NodeWatch>();
        services.AddHostedService(provider => provider.GetRequiredService<NodeWatch>());
    }
}
