using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using VaasWeb.Processing.Accounts;

namespace VaasWeb.Security;

/// <summary>Sign-in and sign-out: plain form posts (with antiforgery tokens), because only a request can set a cookie.</summary>
internal static class AccountEndpoints
{
    /// <summary>The sign-in page (a component); its form posts to <see cref="SignInPath"/>.</summary>
    public const string LoginPath = "/account/login";
    public const string SignInPath = "/account/signin";
    public const string LogoutPath = "/account/logout";
    public const string DeniedPath = "/account/denied";

    /// <summary>Where the detail of a 401 from the API key handler waits for the problem document.</summary>
    public const string ProblemDetailKey = "vaas:auth-problem";

    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/account").WithTags("Account").ExcludeFromDescription();
        // The form's antiforgery token is checked by hand, so an expired form leads back to it instead of to an error page.
        account.MapPost("/signin", LoginAsync).AllowAnonymous().DisableAntiforgery().RequireRateLimiting(SecurityExtensions.SignInLimit);
        account.MapPost("/logout", LogoutAsync).RequireAuthorization().DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> LoginAsync(HttpContext http, IAntiforgery antiforgery, SignInManager<IdentityUser> signIn, AuditTrail audit)
    {
        if (!http.Request.HasFormContentType)
        {
            return Results.Problem("Sign in with the form at /account/login; scripts use API keys.", statusCode: StatusCodes.Status400BadRequest);
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var target = SafeReturnUrl(form["returnUrl"]);
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return Back("expired", target);
        }

        var (email, password) = (form["email"].ToString().Trim(), form["password"].ToString());
        if (email.Length == 0 || password.Length == 0)
        {
            return Back("missing", target);
        }

        var user = await signIn.UserManager.FindByNameAsync(email);
        var result = user is null ? SignInResult.Failed : await signIn.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: true);
        var address = http.Connection.RemoteIpAddress?.ToString();
        if (result.Succeeded)
        {
            await audit.RecordAsync(new Actor(user!.Id, email, address), AuditActions.SignIn);
            return Results.LocalRedirect(target);
        }

        await audit.RecordAsync(new Actor(null, email, address), AuditActions.SignInFailed, detail: result.IsLockedOut ? "locked out" : "wrong e-mail or password");
        return Back(result.IsLockedOut ? "locked" : "wrong", target);
    }

    private static async Task<IResult> LogoutAsync(HttpContext http, IAntiforgery antiforgery, SignInManager<IdentityUser> signIn, AuditTrail audit)
    {
        // Checked by hand like sign-in; without it another site could sign people out.
        if (!http.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(http))
        {
            return Results.Problem("Sign out with the button on a VaasWeb page (the form carries a token).", statusCode: StatusCodes.Status400BadRequest);
        }

        await audit.RecordAsync(http.Actor(), AuditActions.SignOut);
        await signIn.SignOutAsync();
        return Results.LocalRedirect(LoginPath);
    }

    private static IResult Back(string error, string returnUrl) =>
        Results.LocalRedirect($"{LoginPath}?error={Uri.EscapeDataString(error)}&returnUrl={Uri.EscapeDataString(returnUrl)}");

    /// <summary>Only a path on this site: a login link must not send people elsewhere afterwards.</summary>
    public static string SafeReturnUrl(string? returnUrl) =>
        returnUrl is { Length: > 0 } && returnUrl[0] == '/' && !returnUrl.StartsWith("//", StringComparison.Ordinal)
            && !returnUrl.Any(c => c == '\\' || char.IsControl(c))
            && !returnUrl.StartsWith(LoginPath, StringComparison.OrdinalIgnoreCase)
            ? returnUrl
            : "/";

    /// <summary>What the sign-in page may say; a link cannot make it say anything else.</summary>
    public static string? ErrorText(string? code) => code switch
    {
        "missing" => "Enter your e-mail and password.",
        "expired" => "The sign-in form had expired; please sign in again.",
        "locked" => "This account is disabled or locked after too many wrong passwords; try again in a few minutes or ask an admin.",
        "wrong" => "Wrong e-mail or password.",
        "busy" => "Too many sign-in attempts from this address; wait a minute.",
        _ => null,
    };
}
