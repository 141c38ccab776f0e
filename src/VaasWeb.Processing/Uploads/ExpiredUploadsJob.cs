using Quartz;

namespace VaasWeb.Processing.Uploads;

/// <summary>Every few minutes: deletes resumable uploads nobody finished before they expired.</summary>
[DisallowConcurrentExecution]
public sealed class ExpiredUploadsJob(ResumableUploadStore store) : IJob
{
    public static readonly JobKey Key = new("expired-uploads", "maintenance");

    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        store.DeleteExpired();
        return ValueTask.CompletedTask;
    }
}
