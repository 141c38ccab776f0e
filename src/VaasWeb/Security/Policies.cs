using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Accounts;

namespace VaasWeb.Security;

/// <summary>Who may do what. Every endpoint, page and hub names one of these (see the authorization matrix test).</summary>
public static class Policies
{
    /// <summary>The task board and its live updates: any role, or anyone when <c>Board:AllowAnonymousViewers</c>.</summary>
    public const string Board = "Board";

    /// <summary>Read everything: board, library, details, search.</summary>
    public const string Viewer = "Viewer";

    /// <summary>Also upload, process, generate, cancel one's own tasks.</summary>
    public const string Uploader = "Uploader";

    /// <summary>Also re-run and cancel any task, delete videos, manage users, read the audit log.</summary>
    public const string Admin = "Admin";

    /// <summary><c>/metrics</c>: admins, a scraper with <c>Metrics:ScrapeKey</c>, or anyone with <c>Metrics:AllowAnonymous</c>.</summary>
    public const string Metrics = "Metrics";

    public static void Add(AuthorizationOptions options)
    {
        options.AddPolicy(Metrics, policy => policy.AddRequirements(new Telemetry.MetricsAccessRequirement()));
        options.AddPolicy(Board, policy => policy.AddRequirements(new BoardAccessRequirement()));
        // The same answers UserPermissions gives pages and handlers: one place says what each role includes.
        options.AddPolicy(Viewer, policy => policy.RequireAssertion(context => context.User.CanView()));
        options.AddPolicy(Uploader, policy => policy.RequireAssertion(context => context.User.CanUpload()));
        options.AddPolicy(Admin, policy => policy.RequireAssertion(context => context.User.IsAdmin()));
        // Anything that names no policy is treated as part of the board: closed unless wall screens are allowed.
        options.FallbackPolicy = options.GetPolicy(Board);
    }
}

public sealed class BoardOptions
{
    public const string Section = "Board";

    /// <summary>Lets people who are not signed in watch the board, read-only (for wall screens).</summary>
    public bool AllowAnonymousViewers { get; set; }
}

internal sealed class BoardAccessRequirement : IAuthorizationRequirement;

internal sealed class BoardAccessHandler(IOptionsMonitor<BoardOptions> board) : AuthorizationHandler<BoardAccessRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, BoardAccessRequirement requirement)
    {
        if (board.CurrentValue.AllowAnonymousViewers || context.User.CanView())
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

/// <summary>What a signed-in user may do, read from their role claims; the policies are made of these.</summary>
public static class UserPermissions
{
    public static bool IsAdmin(this ClaimsPrincipal user) => user.IsInRole(Roles.Admin);

    public static bool CanUpload(this ClaimsPrincipal user) => user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Uploader);

    public static bool CanView(this ClaimsPrincipal user) => Roles.All.Any(user.IsInRole);

    public static string? UserId(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier);

    /// <summary>Admins cancel any task; uploaders the ones they asked for.</summary>
    public static bool CanCancel(this ClaimsPrincipal user, string? taskOwnerId) =>
        user.IsAdmin() || (user.CanUpload() && taskOwnerId is not null && taskOwnerId == user.UserId());

    /// <summary>The caller of an HTTP request as the audit log and task owners name them.</summary>
    public static Actor Actor(this HttpContext http) => http.User.ToActor(http.Connection.RemoteIpAddress?.ToString());

    public static long UploadLimit(this ClaimsPrincipal user, Processing.Uploads.UploadOptions options) => options.LimitFor(user.IsInRole);

    public static Actor ToActor(this ClaimsPrincipal user, string? address) =>
        user.UserId() is { } id ? new Actor(id, user.Identity?.Name ?? id, address) : new Actor(null, "anonymous", address);
}
