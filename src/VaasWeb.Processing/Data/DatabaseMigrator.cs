using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace VaasWeb.Processing.Data;

/// <summary>Brings the database schema up to date before anything else starts.</summary>
public sealed class DatabaseMigrator(IDbContextFactory<VaasDbContext> dbFactory, ILogger<DatabaseMigrator> logger) : IHostedService
{
    /// <summary>
    /// Nodes sharing one PostgreSQL database may start at the same moment: the first takes this session lock and
    /// migrates, the others wait for it and then find nothing pending. (Any constant works; it names VaasWeb's lock
    /// among other users of the same database.)
    /// </summary>
    internal const long PostgresMigrationLock = 0x5661_6173_5765_62; // "VaasWeb"

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (db is not PostgresVaasDbContext)
        {
            await MigrateAsync(db, cancellationToken);
            return;
        }

        // Held by this connection (the one the migration runs on), released when it closes whatever happens.
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await ExecuteAsync(db.Database.GetDbConnection(), $"SELECT pg_advisory_lock({PostgresMigrationLock})", cancellationToken);
            await MigrateAsync(db, cancellationToken);
            await ExecuteAsync(db.Database.GetDbConnection(), $"SELECT pg_advisory_unlock({PostgresMigrationLock})", CancellationToken.None);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task MigrateAsync(VaasDbContext db, CancellationToken cancellationToken)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToArray();
        if (pending.Length > 0)
        {
            logger.LogInformation("Applying {Count} database migration(s): {Migrations}", pending.Length, string.Join(", ", pending));
            await db.Database.MigrateAsync(cancellationToken);
        }
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0; // waiting for another node's migration is not a failure
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
