namespace VaasWeb.Processing.Accounts;

/// <summary>Who asks for something and from where; what the audit log records and tasks are owned by.</summary>
/// <param name="UserId">The account's id; null for anonymous wall-screen viewers and the system itself.</param>
/// <param name="Name">The user name, shown in reasons ("cancelled by ana@example.com") and the audit log.</param>
/// <param name="Address">The client's IP address, when known.</param>
public sealed record Actor(string? UserId, string Name, string? Address)
{
    public static readonly Actor System = new(null, "system", null);

    /// <summary>
    /// Whoever runs <c>./run.sh admin …</c> on the server: they can read and write the data directory anyway, so
    /// they act with an admin's rights and are recorded as the command line.
    /// </summary>
    public static readonly Actor CommandLine = new(null, "command line", null);

    /// <summary>The app itself or the server's command line, as opposed to someone signed in.</summary>
    public bool IsServerSide => this == System || this == CommandLine;
}
