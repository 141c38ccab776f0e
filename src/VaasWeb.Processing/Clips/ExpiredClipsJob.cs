using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;
using VaasWeb.Processing.Storage;

namespace VaasWeb.Processing.Clips;

/// <summary>Every half hour: deletes clips nobody asked for within <c>Clips:MaxAgeHours</c>.</summary>
[DisallowConcurrentExecution]
public sealed class ExpiredClipsJob(MediaStorage storage, IOptions<ClipOptions> options, TimeProvider clock, ILogger<ExpiredClipsJob> logger) : IJob
{
    public static readonly JobKey Key = new("expired-clips", "maintenance");

    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var deleted = storage.DeleteOldClips(TimeSpan.FromHours(options.Value.MaxAgeHours), clock.GetUtcNow());
        if (deleted > 0)
        {
            logger.LogInformation("Deleted {Count} clip(s) older than {Hours} h", deleted, options.Value.MaxAgeHours);
        }

        return ValueTask.CompletedTask;
    }
}
