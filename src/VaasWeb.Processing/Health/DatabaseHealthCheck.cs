using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using VaasWeb.Processing.Data;

namespace VaasWeb.Processing.Health;

internal sealed class DatabaseHealthCheck(IDbContextFactory<VaasDbContext> dbFactory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var tasks = await db.Tasks.CountAsync(cancellationToken);
            var pendingMigrations = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).Count();
            return pendingMigrations == 0
                ? HealthCheckResult.Healthy($"{tasks} tasks")
                : HealthCheckResult.Degraded($"{pendingMigrations} migration(s) not applied");
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy($"The database cannot be reached: {e.Message}");
        }
    }
}
