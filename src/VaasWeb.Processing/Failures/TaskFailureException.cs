namespace VaasWeb.Processing.Failures;

/// <summary>
/// An expected way for work or a request to fail (bad input, a tool that refused, a service that said no): the task
/// ends as failed with this code and message, shown to people as is, and the API answers with the status the code's
/// <see cref="ErrorCodes.KindOf"/> implies. Anything else escaping a job is a bug and is logged as one.
/// </summary>
public class TaskFailureException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>One of <see cref="ErrorCodes"/>.</summary>
    public string Code { get; } = code;
}
