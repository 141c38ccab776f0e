using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VaasWeb.Processing.Storage;

namespace VaasWeb.Processing.Uploads;

/// <summary>On start: multipart uploads a stopped server was receiving are deleted; resumable uploads wait for their clients.</summary>
internal sealed class AbandonedUploadsCleanup(MediaStorage storage, ILogger<AbandonedUploadsCleanup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var deleted = storage.DeleteAbandonedIncoming();
        if (deleted > 0)
        {
            logger.LogInformation("Deleted {Count} partial upload(s) left by a server that stopped", deleted);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
