using Microsoft.Extensions.Diagnostics.HealthChecks;
using VaasWeb.Processing.Media;

namespace VaasWeb.Processing.Health;

internal sealed class FfmpegHealthCheck(IMediaTool media) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return HealthCheckResult.Healthy(await media.GetVersionAsync(cancellationToken));
        }
        catch (MediaException e)
        {
            return HealthCheckResult.Unhealthy(e.Message);
        }
    }
}
