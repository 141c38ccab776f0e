using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Accounts;
using VaasWeb.Processing.Data;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.OnPostgres;

public sealed class AccountsOnPostgresTests : Accounts.AccountsTests
{
    protected override DatabaseProvider Database => DatabaseProvider.Postgres;

    [Fact]
    public async Task AuditLog_Truncated_IsRefusedByTheDatabase()
    {
        await Host.Get<AuditTrail>().RecordAsync(TestActors.Named("gil"), AuditActions.TaskRerun, "task", Guid.NewGuid().ToString());
        await using var db = await Host.DbAsync();

        var truncate = await Assert.ThrowsAnyAsync<DbException>(() => db.Database.ExecuteSqlRawAsync("TRUNCATE \"AuditLog\""));

        Assert.Contains("append-only", truncate.Message);
        Assert.Equal(1, await db.AuditLog.CountAsync());
    }
}
