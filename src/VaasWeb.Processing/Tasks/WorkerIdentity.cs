namespace VaasWeb.Processing.Tasks;

/// <summary>Names this node on the task rows it runs, so that after a restart it re-queues only its own work.</summary>
public sealed record WorkerIdentity(string Id);
