using VaasWeb.Processing.Tasks;

namespace VaasWeb.Realtime;

/// <summary>Task changes for components in this process. Handlers run on the publisher's thread: queue, don't work.</summary>
public interface ITaskUpdates
{
    /// <summary>Calls <paramref name="onChange"/> for every task change until the returned handle is disposed.</summary>
    IDisposable Subscribe(Action<TaskSnapshot> onChange);
}
