using VaasWeb.Processing.Storage;

namespace VaasWeb.Processing.Tasks;

/// <summary>Names this node on the task rows it runs, so that after a restart it re-queues only its own work.</summary>
public sealed record WorkerIdentity(string Id)
{
    /// <summary>
    /// <c>Worker:Id</c> when set; otherwise an id made once and kept in the data directory, so a node keeps its
    /// name across restarts even where the host name changes (a recreated container).
    /// </summary>
    public static WorkerIdentity Resolve(string? configured, StorageOptions storage)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new WorkerIdentity(configured);
        }

        Directory.CreateDirectory(storage.ResolvedDataDirectory);
        var file = Path.Combine(storage.ResolvedDataDirectory, "worker-id");
        if (File.Exists(file) && File.ReadAllText(file).Trim() is { Length: > 0 } kept)
        {
            return new WorkerIdentity(kept);
        }

        var id = $"{Environment.MachineName}-{Guid.NewGuid():N}"[..Math.Min(64, Environment.MachineName.Length + 33)];
        File.WriteAllText(file, id);
        return new WorkerIdentity(id);
    }
}
