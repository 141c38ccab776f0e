using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Storage;
using VaasWeb.Security;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.OnPostgres;

/// <summary>What only a shared database has to get right: nodes starting together, and one key ring for every node.</summary>
public sealed class PostgresDatabaseTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    [Fact]
    public async Task Migrate_TwoNodesStartingAtOnceOnAnEmptyDatabase_BothStart_AndTheSchemaIsMadeOnce()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateEmptyDatabaseAsync();
        await using var a = Node(_temp.Combine("a"), connectionString);
        await using var b = Node(_temp.Combine("b"), connectionString);

        await Task.WhenAll(Migrator(a).StartAsync(CancellationToken.None), Migrator(b).StartAsync(CancellationToken.None));

        await using var db = await a.GetRequiredService<IDbContextFactory<VaasDbContext>>().CreateDbContextAsync();
        Assert.IsType<PostgresVaasDbContext>(db);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        Assert.Equal(0, await db.AuditLog.CountAsync());
    }

    [Fact]
    public async Task DataProtection_OnPostgres_WhatOneNodeProtectsTheOtherReads_ThroughTheDatabase()
    {
        var connectionString = await (await PostgresServer.GetAsync()).DatabaseForAsync(_temp.Path);
        await using var a = Node(_temp.Combine("a"), connectionString);
        await using var b = Node(_temp.Combine("b"), connectionString);

        var cookie = a.GetRequiredService<IDataProtectionProvider>().CreateProtector("sign-in").Protect("ana@example.com");

        Assert.Equal("ana@example.com", b.GetRequiredService<IDataProtectionProvider>().CreateProtector("sign-in").Unprotect(cookie));
        await using var db = (PostgresVaasDbContext)await a.GetRequiredService<IDbContextFactory<VaasDbContext>>().CreateDbContextAsync();
        Assert.Equal(1, await db.DataProtectionKeys.CountAsync());
        Assert.False(Directory.Exists(_temp.Combine("a", "keys")), "no key ring in the node's own data directory");
    }

    [Fact]
    public void DataProtection_OnSqlite_KeepsTheKeysInTheDataDirectoryAsBefore()
    {
        using var a = Node(_temp.Combine("a"), null);

        a.GetRequiredService<IDataProtectionProvider>().CreateProtector("sign-in").Protect("ana@example.com");

        Assert.Single(Directory.GetFiles(_temp.Combine("a", "keys"), "key-*.xml"));
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>What a node builds for its database and its sign-in keys, on its own data directory.</summary>
    private static ServiceProvider Node(string dataDirectory, string? postgres)
    {
        var settings = new Dictionary<string, string?> { ["Storage:DataDirectory"] = dataDirectory };
        if (postgres is not null)
        {
            settings["Database:Provider"] = "Postgres";
            settings["ConnectionStrings:Vaas"] = postgres;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddStorage().AddVaasData(configuration);
        services.AddVaasSecurity();
        return services.BuildServiceProvider();
    }

    private static DatabaseMigrator Migrator(IServiceProvider node) =>
        new(node.GetRequiredService<IDbContextFactory<VaasDbContext>>(), NullLogger<DatabaseMigrator>.Instance);
}
