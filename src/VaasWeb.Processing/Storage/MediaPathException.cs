namespace VaasWeb.Processing.Storage;

public enum MediaPathProblem
{
    /// <summary>Empty, malformed, or it escapes the media root: the caller's fault (400).</summary>
    Invalid,

    /// <summary>Well-formed and inside the root, but nothing is there (404).</summary>
    NotFound,
}

public sealed class MediaPathException(MediaPathProblem problem, string message) : Exception(message)
{
    public MediaPathProblem Problem { get; } = problem;
}
