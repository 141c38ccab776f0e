using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace VaasWeb.Processing.Data;

/// <summary>
/// Lets <c>dotnet ef migrations add</c> build each provider's model without starting the web host. A model change is
/// one migration per provider, same name, run from the repository root:
/// <code>
/// dotnet ef migrations add NAME --project src/VaasWeb.Processing --context VaasDbContext --output-dir Data/Migrations
/// dotnet ef migrations add NAME --project src/VaasWeb.Processing --context PostgresVaasDbContext --output-dir Data/Migrations/Postgres
/// </code>
/// Neither needs a running database. SQL written for one provider (triggers, the text index) goes into that
/// provider's migration only.
/// </summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<VaasDbContext>
{
    public VaasDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<VaasDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

/// <summary>See <see cref="DesignTimeDbContextFactory"/>; the server named here is never contacted by <c>migrations add</c>.</summary>
internal sealed class PostgresDesignTimeDbContextFactory : IDesignTimeDbContextFactory<PostgresVaasDbContext>
{
    public PostgresVaasDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresVaasDbContext>().UseNpgsql("Host=localhost;Database=vaas_design_time").Options);
}
