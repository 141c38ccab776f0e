using Npgsql;

namespace VaasWeb.Processing.Cluster;

/// <summary>A node as Quartz's cluster sees it: its <c>Worker:Id</c> and when it last checked in.</summary>
public sealed record ClusterNode(string Id, DateTimeOffset LastCheckin, TimeSpan CheckinInterval);

/// <summary>
/// Reads which nodes are in the cluster from Quartz's own bookkeeping (<c>qrtz_scheduler_state</c>): each live node
/// checks in there every few seconds, and when one stops, the first node to notice releases its triggers and deletes
/// its row. So "the row is gone" is Quartz's verdict that the node is dead, and nothing here keeps a second record.
/// </summary>
public sealed class ClusterNodes(ClusterMode cluster) : IAsyncDisposable
{
    private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(cluster.ConnectionString ?? "");

    /// <summary>
    /// The node checked in under <paramref name="id"/> within <paramref name="within"/> of <paramref name="now"/>: another
    /// process with the same <c>Worker:Id</c>, which Quartz would take for this one. None before Quartz made its tables.
    /// </summary>
    public async Task<ClusterNode?> CheckedInRecentlyAsync(string id, DateTimeOffset now, TimeSpan within, CancellationToken cancellationToken)
    {
        try
        {
            return (await ListAsync(cancellationToken)).FirstOrDefault(n => n.Id == id && now - n.LastCheckin < within);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<ClusterNode>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = _source.CreateCommand(
            "SELECT instance_name, last_checkin_time, checkin_interval FROM qrtz_scheduler_state ORDER BY instance_name");
        var nodes = new List<ClusterNode>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            // Quartz.NET stores the check-in as UTC ticks and the interval as milliseconds.
            nodes.Add(new ClusterNode(reader.GetString(0), new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero), TimeSpan.FromMilliseconds(reader.GetInt64(2))));
        }

        return nodes;
    }

    public ValueTask DisposeAsync() => _source.DisposeAsync();
}
