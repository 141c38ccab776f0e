namespace VaasWeb.Processing.Tasks;

/// <summary>
/// An expected way for work to fail (bad input, a tool that refused): the task ends as failed with this code
/// and message, shown to people as is. Anything else escaping a job is a bug and is logged as one.
/// </summary>
public class TaskFailureException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;
}
