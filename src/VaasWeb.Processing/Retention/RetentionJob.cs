using Quartz;
using VaasWeb.Processing.Accounts;

namespace VaasWeb.Processing.Retention;

/// <summary>Once a day: deletes what <see cref="RetentionService"/> finds old (one node at a time in a cluster, as Quartz runs it).</summary>
[DisallowConcurrentExecution]
public sealed class RetentionJob(RetentionService retention) : IJob
{
    public static readonly JobKey Key = new("retention", "maintenance");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await retention.RunAsync(Actor.System, cancellationToken);
}
