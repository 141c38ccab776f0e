namespace VaasWeb.Processing.Accounts;

/// <summary>The three kinds of users. Each role includes what the ones below it may do.</summary>
public static class Roles
{
    public const string Admin = "Admin";
    public const string Uploader = "Uploader";
    public const string Viewer = "Viewer";

    /// <summary>Highest first: a user holds one of them.</summary>
    public static readonly IReadOnlyList<string> All = [Admin, Uploader, Viewer];

    public static bool IsKnown(string? role) => role is not null && All.Contains(role, StringComparer.Ordinal);
}
