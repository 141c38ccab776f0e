using Microsoft.Extensions.Configuration;

namespace VaasWeb.Processing.Cluster;

/// <summary>
/// Whether this node shares its work with others. It does when the database is PostgreSQL (<c>Database:Provider</c> =
/// <c>Postgres</c>): Quartz then keeps its jobs and triggers in that database as a cluster, so any node may run any
/// task, and the nodes watch each other (<see cref="NodeWatch"/>). SQLite is one process, as it always was.
/// </summary>
public sealed record ClusterMode(bool IsClustered, string? ConnectionString)
{
    public static readonly ClusterMode Single = new(false, null);

    public static ClusterMode From(IConfiguration configuration) =>
        string.Equals(configuration["Database:Provider"], "Postgres", StringComparison.OrdinalIgnoreCase)
            ? new ClusterMode(true, configuration.GetConnectionString("Vaas"))
            : Single;
}
