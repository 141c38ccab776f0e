using VaasWeb.Processing.Tasks;

namespace VaasWeb.Realtime;

/// <summary>
/// Carries task changes between the nodes of a cluster: this node's changes go out once, and what the other nodes
/// sent comes in, in the order each of them sent it; never this node's own changes back.
/// </summary>
public interface ITaskEventRelay
{
    /// <summary>Queues this node's changes (oldest first) for the other nodes. Never blocks, never throws.</summary>
    void Send(IReadOnlyList<TaskSnapshot> changes);

    /// <summary>Where the other nodes' changes are handed, one by one; set once, before the host starts.</summary>
    void Receive(Action<TaskSnapshot> deliver);
}
