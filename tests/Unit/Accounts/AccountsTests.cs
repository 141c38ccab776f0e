using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VaasWeb.Processing.Accounts;
using VaasWeb.Processing.Data;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.Accounts;

/// <summary>API keys, accounts and the audit log on a real database (SQLite here) with the real migrations.</summary>
public class AccountsTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private ProcessingHost _host = null!;

    /// <summary>The database these tests run on; <c>OnPostgres/</c> runs them again on PostgreSQL.</summary>
    protected virtual DatabaseProvider Database => DatabaseProvider.Sqlite;

    protected ProcessingHost Host => _host;

    private ApiKeyService Keys => _host.Get<ApiKeyService>();
    private UserAdministration Users => _host.Get<UserAdministration>();

    public async Task InitializeAsync() => _host = await ProcessingHost.StartAsync(_temp.Path, database: Database);

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task CreateKey_StoresOnlyItsSha256_AndTheSecretFindsIt()
    {
        var owner = await NewUserAsync("ana@example.com", Roles.Uploader);

        var created = await Keys.CreateAsync(owner, "nightly import", CancellationToken.None);

        Assert.Matches("^vaas_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$", created.Secret);
        await using (var db = await _host.DbAsync())
        {
            var row = await db.ApiKeys.SingleAsync();
            Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(created.Secret)), row.Hash);
            Assert.Equal(created.Secret.Split('_')[1], row.Prefix);
        }

        Assert.True(await DatabaseFilesContainAsync(created.Key.Name), "the scan sees what is stored");
        Assert.False(await DatabaseFilesContainAsync(created.Secret.Split('_', 3)[2]));
        Assert.Equal(owner.UserId, (await Keys.FindAsync(created.Secret, CancellationToken.None))?.UserId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("vaas_")]
    [InlineData("not-a-key")]
    [InlineData("Bearer vaas_0123456789ab_x")]
    public async Task FindKey_Malformed_FindsNothing(string presented) =>
        Assert.Null(await Keys.FindAsync(presented, CancellationToken.None));

    [Fact]
    public async Task FindKey_RightPrefixWrongSecret_FindsNothing()
    {
        var created = await Keys.CreateAsync(await NewUserAsync("ben@example.com", Roles.Viewer), "reports", CancellationToken.None);
        var tampered = created.Secret[..^1] + (created.Secret[^1] == 'A' ? 'B' : 'A');

        Assert.Null(await Keys.FindAsync(tampered, CancellationToken.None));
    }

    [Fact]
    public async Task RevokeKey_ByItsOwner_StopsItAndIsAudited()
    {
        var owner = await NewUserAsync("cem@example.com", Roles.Uploader);
        var created = await Keys.CreateAsync(owner, "camera sync", CancellationToken.None);

        Assert.True(await Keys.RevokeAsync(created.Key.Id, owner, asAdmin: false, CancellationToken.None));

        Assert.Null(await Keys.FindAsync(created.Secret, CancellationToken.None));
        Assert.False(await Keys.RevokeAsync(created.Key.Id, owner, asAdmin: false, CancellationToken.None));
        await using var db = await _host.DbAsync();
        var entries = await db.AuditLog.Where(e => e.TargetId == created.Key.Id.ToString()).OrderBy(e => e.Id).ToListAsync();
        Assert.Equal([AuditActions.ApiKeyCreate, AuditActions.ApiKeyRevoke], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal(("cem@example.com", "127.0.0.1"), (e.Actor, e.Address)));
    }

    [Fact]
    public async Task RevokeKey_SomeoneElsesWithoutBeingAdmin_IsRefusedAndTheKeyStillWorks()
    {
        var created = await Keys.CreateAsync(await NewUserAsync("dee@example.com", Roles.Uploader), "mine", CancellationToken.None);
        var other = await NewUserAsync("eve@example.com", Roles.Uploader);

        Assert.False(await Keys.RevokeAsync(created.Key.Id, other, asAdmin: false, CancellationToken.None));

        Assert.NotNull(await Keys.FindAsync(created.Secret, CancellationToken.None));
    }

    [Fact]
    public async Task AuditEntry_ChangedOrDeleted_IsRefusedByTheAppAndByTheDatabase()
    {
        await _host.Get<AuditTrail>().RecordAsync(TestActors.Named("fay"), AuditActions.TaskRerun, "task", Guid.NewGuid().ToString());
        await using var db = await _host.DbAsync();
        var entry = await db.AuditLog.SingleAsync(e => e.Actor == "fay");

        db.AuditLog.Remove(entry);
        Assert.Throws<InvalidOperationException>(() => db.SaveChanges());
        var update = await Assert.ThrowsAnyAsync<DbException>(() => db.Database.ExecuteSqlRawAsync("UPDATE \"AuditLog\" SET \"Actor\" = 'mallory'"));
        var delete = await Assert.ThrowsAnyAsync<DbException>(() => db.Database.ExecuteSqlRawAsync("DELETE FROM \"AuditLog\""));

        Assert.Contains("append-only", update.Message);
        Assert.Contains("append-only", delete.Message);
        await using var fresh = await _host.DbAsync();
        Assert.Equal("fay", (await fresh.AuditLog.SingleAsync(e => e.Id == entry.Id)).Actor);
    }

    [Fact]
    public async Task FirstAdmin_NotConfigured_IsCreatedOnceWithAGeneratedPasswordThatSignsIn()
    {
        var generated = await Users.EnsureFirstAdminAsync(null, null);
        var again = await Users.EnsureFirstAdminAsync(null, null);

        Assert.Equal(["admin@localhost"], generated.Admins);
        Assert.True(generated.Created);
        Assert.Equal(["admin@localhost"], again.Admins);
        Assert.Equal((false, null), (again.Created, again.GeneratedPassword));
        Assert.True(generated.GeneratedPassword!.Length >= 20);
        await using var scope = _host.Get<IServiceScopeFactory>().CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var admin = await users.FindByEmailAsync("admin@localhost");
        Assert.True(await users.CheckPasswordAsync(admin!, generated.GeneratedPassword));
        Assert.Equal([Roles.Admin], await users.GetRolesAsync(admin!));
    }

    [Fact]
    public async Task FirstAdmin_Configured_UsesTheConfiguredPasswordAndPrintsNothing()
    {
        var created = await Users.EnsureFirstAdminAsync("root@example.com", "correct horse battery");

        Assert.Equal((true, null), (created.Created, created.GeneratedPassword));
        var list = await Users.ListAsync(CancellationToken.None);
        Assert.Equal(("root@example.com", Roles.Admin), (list.Single().Email, list.Single().Role));
    }

    [Fact]
    public async Task LastAdmin_CannotBeDemotedOrDisabled()
    {
        await Users.EnsureFirstAdminAsync("root@example.com", "correct horse battery");
        var root = (await Users.ListAsync(CancellationToken.None)).Single();
        var other = await NewUserAsync("gus@example.com", Roles.Admin);

        var demoted = await Users.SetRoleAsync(root.Id, Roles.Viewer, other);
        var lastDemotion = await Users.SetRoleAsync(other.UserId!, Roles.Viewer, other);

        Assert.True(demoted.Succeeded);
        Assert.False(lastDemotion.Succeeded);
        Assert.Contains("only admin", lastDemotion.Errors.Single());
        var disabled = await Users.DisableAsync(other.UserId!, Actor.System);
        Assert.False(disabled.Succeeded);
        Assert.Contains("only admin", disabled.Errors.Single());
    }

    [Fact]
    public async Task CreateUser_ShortPassword_IsRefusedWithIdentitysReasonAndNothingIsStored()
    {
        var result = await Users.CreateAsync("hal@example.com", "short", Roles.Viewer, Actor.System);

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Contains("at least 10 characters"));
        Assert.Empty(await Users.ListAsync(CancellationToken.None));
    }

    private async Task<Actor> NewUserAsync(string email, string role)
    {
        Assert.True((await Users.CreateAsync(email, "a long enough password", role, Actor.System)).Succeeded);
        var id = (await Users.ListAsync(CancellationToken.None)).Single(u => u.Email == email).Id;
        return new Actor(id, email, "127.0.0.1");
    }

    private async Task<bool> DatabaseFilesContainAsync(string text)
    {
        if (Database == DatabaseProvider.Postgres)
        {
            var connectionString = _host.Get<Microsoft.Extensions.Options.IOptions<DatabaseOptions>>().Value.ConnectionString!;
            return await (await PostgresServer.GetAsync()).FilesContainAsync(connectionString, text);
        }

        SqliteConnection.ClearAllPools();
        var needle = Encoding.UTF8.GetBytes(text);
        foreach (var file in Directory.GetFiles(_temp.Path, "vaas.db*"))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            if (bytes.AsSpan().IndexOf(needle) >= 0)
            {
                return true;
            }
        }

        return false;
    }
}
