using Npgsql;
using VaasWeb.Processing.Settings;

namespace VaasWeb.Processing.Data;

public enum DatabaseProvider
{
    /// <summary>One file under the data directory: one node, nothing to install.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server that several nodes share.</summary>
    Postgres,
}

/// <summary>
/// Which database VaasWeb uses and how to reach it: <c>Database:Provider</c> and <c>ConnectionStrings:Vaas</c>.
/// <see cref="ConnectionString"/> is the one in effect (SQLite's default file filled in), so anything else that
/// keeps state in the same PostgreSQL database (Quartz's clustered store) reads it here.
/// </summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";
    public const string ConnectionStringSetting = "ConnectionStrings:Vaas";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Bound from <c>ConnectionStrings:Vaas</c>, not from this section.</summary>
    public string? ConnectionString { get; set; }

    public bool IsPostgres => Provider == DatabaseProvider.Postgres;

    /// <summary>Host, port and database, never the password: for logs and the start-up summary.</summary>
    public string Describe()
    {
        if (!IsPostgres)
        {
            return $"SQLite {new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(ConnectionString).DataSource}";
        }

        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        return $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}";
    }
}

internal sealed class DatabaseOptionsValidator() : OptionsValidator<DatabaseOptions>(DatabaseOptions.Section)
{
    protected override void Check(DatabaseOptions options, Rules rules)
    {
        rules.Require(Enum.IsDefined(options.Provider), "Provider", $"must be one of {string.Join(", ", Enum.GetNames<DatabaseProvider>())}", options.Provider);
        if (!options.IsPostgres)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            rules.RequireSetting(false, DatabaseOptions.ConnectionStringSetting,
                "must be set to an Npgsql connection string when Database:Provider is Postgres (e.g. \"Host=db.example;Database=vaas;Username=vaas\", the password in the environment: ConnectionStrings__Vaas)");
            return;
        }

        // The value itself is never repeated: it may hold a password.
        var problem = ParseProblem(options.ConnectionString, out var host);
        rules.RequireSetting(problem is null, DatabaseOptions.ConnectionStringSetting, $"must be an Npgsql connection string ({problem})");
        rules.RequireSetting(problem is not null || !string.IsNullOrWhiteSpace(host), DatabaseOptions.ConnectionStringSetting,
            "must name the server (Host=…)");
    }

    private static string? ParseProblem(string connectionString, out string? host)
    {
        host = null;
        try
        {
            host = new NpgsqlConnectionStringBuilder(connectionString).Host;
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }
}
