using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Storage;

namespace VaasWeb.Tests.Unit.Hosting;

[Trait("Category", "Fast")]
public class DatabaseSettingsTests
{
    [Fact]
    public void Default_IsSqliteInTheDataDirectory()
    {
        var database = Read(new() { ["Storage:DataDirectory"] = "/srv/vaas" });

        Assert.Equal((DatabaseProvider.Sqlite, "Data Source=/srv/vaas/vaas.db"), (database.Provider, database.ConnectionString));
        Assert.Equal("SQLite /srv/vaas/vaas.db", database.Describe());
    }

    [Fact]
    public void Postgres_WithAConnectionString_IsReadAsIs_AndDescribedWithoutThePassword()
    {
        var database = Read(new() { ["Database:Provider"] = "Postgres", ["ConnectionStrings:Vaas"] = "Host=db.internal;Port=5433;Database=vaas;Username=vaas;Password=hunter2-secret" });

        Assert.Equal(DatabaseProvider.Postgres, database.Provider);
        Assert.Equal("PostgreSQL db.internal:5433/vaas", database.Describe());
    }

    [Theory]
    [InlineData(null, "ConnectionStrings:Vaas must be set to an Npgsql connection string when Database:Provider is Postgres")]
    [InlineData("  ", "ConnectionStrings:Vaas must be set to an Npgsql connection string when Database:Provider is Postgres")]
    [InlineData("Database=vaas;Password=hunter2-secret", "ConnectionStrings:Vaas must name the server (Host=…).")]
    [InlineData("Hots=db;Password=hunter2-secret", "ConnectionStrings:Vaas must be an Npgsql connection string (")]
    public void Postgres_WithoutAUsableConnectionString_StopsWithASentenceNamingTheSetting_NeverThePassword(string? connectionString, string expected)
    {
        var failure = Assert.Throws<OptionsValidationException>(() =>
            Read(new() { ["Database:Provider"] = "Postgres", ["ConnectionStrings:Vaas"] = connectionString }));

        var sentence = Assert.Single(failure.Failures);
        Assert.StartsWith(expected, sentence);
        Assert.DoesNotContain("hunter2", sentence);
    }

    [Fact]
    public void UnknownProvider_IsNamedWithTheChoices()
    {
        var failure = Assert.ThrowsAny<Exception>(() => Read(new() { ["Database:Provider"] = "MySql" }));

        Assert.Equal(
            "VaasWeb cannot start, a setting is wrong:\n  - Database:Provider must be one of Sqlite, Postgres, not 'MySql'.",
            SettingErrors.Describe(failure));
    }

    private static DatabaseOptions Read(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddStorage().AddVaasData(configuration);
        return services.BuildServiceProvider().GetRequiredService<IOptions<DatabaseOptions>>().Value;
    }
}
