using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace VaasWeb.Processing.Data;

/// <summary>
/// <see cref="VaasDbContext"/> on PostgreSQL: the same entities, its own migrations (Migrations/Postgres), plus what
/// only a shared database needs: the data-protection keys every node signs cookies with.
/// </summary>
public sealed class PostgresVaasDbContext(DbContextOptions<PostgresVaasDbContext> options) : VaasDbContext(options), IDataProtectionKeyContext
{
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
}
