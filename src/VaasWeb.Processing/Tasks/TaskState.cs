namespace VaasWeb.Processing.Tasks;

/// <summary>The seed API's task statuses: <c>pending | in_progress | completed | failed</c>.</summary>
public enum TaskState
{
    Pending,
    InProgress,
    Completed,
    Failed,
}
