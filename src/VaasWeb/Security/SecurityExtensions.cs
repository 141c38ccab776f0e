using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Storage;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Identity;
using VaasWeb.Api;
using VaasWeb.Limits;
using VaasWeb.Processing.Accounts;

namespace VaasWeb.Security;

/// <summary>Accounts for people (Identity cookies) and scripts (API keys), the policies, the first admin.</summary>
internal static class SecurityExtensions
{
    /// <summary>Picks the API key handler when the request carries a key, else the sign-in cookie.</summary>
    private const string CookieOrApiKey = "CookieOrApiKey";

    public static IServiceCollection AddVaasSecurity(this IServiceCollection services)
    {
        // Keys that protect sign-in cookies and form tokens live with the data, so a restart signs nobody out: on
        // SQLite in the data directory, on PostgreSQL in the shared database, so a cookie from one node opens every node.
        services.AddDataProtection().SetApplicationName("VaasWeb");
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<StorageOptions>, IOptions<DatabaseOptions>, ILoggerFactory, IServiceProvider>(
            (options, storage, database, logging, provider) => options.XmlRepository = database.Value.IsPostgres
                ? new EntityFrameworkCoreXmlRepository<PostgresVaasDbContext>(provider, logging)
                : new FileSystemXmlRepository(new DirectoryInfo(Path.Combine(storage.Value.ResolvedDataDirectory, "keys")), logging));
        new IdentityBuilder(typeof(IdentityUser), typeof(IdentityRole), services).AddSignInManager();
        services.AddAuthentication(options =>
            {
                options.DefaultScheme = CookieOrApiKey;
                options.DefaultSignInScheme = IdentityConstants.ApplicationScheme;
            })
            .AddPolicyScheme(CookieOrApiKey, "Sign-in cookie or API key", options => options.ForwardDefaultSelector = context =>
                context.Request.Headers.ContainsKey(ApiKeyService.HeaderName) ? ApiKeyAuthenticationHandler.SchemeName : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(options =>
        {
            options.Cookie.Name = CookieName;
            options.Cookie.HttpOnly = true;
            // Lax: never sent on another site's POST, so a cookie alone cannot be used to forge an action.
            // Secure whenever the app is reached over HTTPS (behind a TLS proxy: forward the scheme).
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = true;
            options.LoginPath = AccountEndpoints.LoginPath;
            options.LogoutPath = AccountEndpoints.LogoutPath;
            options.AccessDeniedPath = AccountEndpoints.DeniedPath;
            // Browsers asking for a page are sent to sign in; API clients get the status code and a problem document.
            options.Events.OnRedirectToLogin = context => RedirectPagesOnly(context, StatusCodes.Status401Unauthorized);
            options.Events.OnRedirectToAccessDenied = context => RedirectPagesOnly(context, StatusCodes.Status403Forbidden);
        });
        // A disabled account or a changed role reaches open sessions within a minute.
        services.Configure<SecurityStampValidatorOptions>(options => options.ValidationInterval = TimeSpan.FromMinutes(1));
        services.AddOptions<BoardOptions>().BindConfiguration(BoardOptions.Section);
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section);
        services.AddAuthorization(Policies.Add);
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, BoardAccessHandler>();
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, RevalidatingAuthenticationState>();
        services.AddScoped<CurrentActor>();
        services.AddScoped<Components.Shared.TaskActions>();
        services.AddSingleton<FirstAdmin>();
        services.AddHostedService(provider => provider.GetRequiredService<FirstAdmin>());
        services.AddRateLimiter(options =>
        {
            // Password guessing, and strangers filling the (append-only) audit log with failed sign-ins.
            options.AddPolicy(SignInLimit, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = 10, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            options.OnRejected = (context, _) =>
            {
                context.HttpContext.Response.StatusCode = StatusCodes.Status302Found;
                context.HttpContext.Response.Headers.Location = $"{AccountEndpoints.LoginPath}?error=busy";
                return ValueTask.CompletedTask;
            };
        });
        // Uploads, ingestions, generations, searches and MCP calls per account; they answer 429 themselves.
        services.AddVaasLimits();
        return services;
    }

    public const string SignInLimit = "sign-in";

    /// <summary>
    /// A state-changing request that rides on the sign-in cookie must come from a VaasWeb page: SameSite=Lax keeps
    /// other sites' cookies out, and this keeps out sibling sites on the same domain (which count as same-site).
    /// Scripts with API keys send no cookie and are not affected.
    /// </summary>
    public static IApplicationBuilder UseSameOriginForCookies(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsOptions(request.Method)
            && !request.Headers.ContainsKey(ApiKeyService.HeaderName)
            && request.Cookies.ContainsKey(CookieName)
            && request.Headers.Origin is [{ } origin]
            && !(Uri.TryCreate(origin, UriKind.Absolute, out var from) && string.Equals(from.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsync($"Requests signed in with a VaasWeb cookie must come from VaasWeb's own pages, not {origin}.");
            return;
        }

        await next();
    });

    public const string CookieName = "vaas.auth";

    private static Task RedirectPagesOnly(RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status)
    {
        if (StatusCodeResponses.IsPageRequest(context.HttpContext))
        {
            context.Response.Redirect(context.RedirectUri);
        }
        else
        {
            context.Response.StatusCode = status;
        }

        return Task.CompletedTask;
    }
}

public sealed class AdminOptions
{
    public const string Section = "Admin";

    /// <summary>The first admin's e-mail (user name); <c>admin@localhost</c> when unset.</summary>
    public string? Email { get; set; }

    /// <summary>The first admin's password; unset, one is generated and printed once.</summary>
    public string? Password { get; set; }
}

/// <summary>Creates the roles and the first admin once the schema is in place (it runs after the migrator).</summary>
internal sealed class FirstAdmin(UserAdministration accounts, IOptions<AdminOptions> options, ILogger<FirstAdmin> logger) : IHostedService
{
    public const string ResetCommand = "./run.sh admin reset-password --user";

    private FirstAdminResult? _result;

    /// <summary>What the start-up summary says about the admins; null before the check ran.</summary>
    public string? Notice => _result switch
    {
        null => null,
        { Created: true, GeneratedPassword: not null } => $"{_result.Admins[0]} created; its password is printed above, once",
        { Created: true } => $"{_result.Admins[0]} created with the password from Admin:Password",
        _ when !string.IsNullOrEmpty(options.Value.Password) =>
            $"Admin:Password is ignored because an admin exists ({string.Join(", ", _result.Admins)}); for a new password: {ResetCommand} {_result.Admins[0]}",
        _ => $"{string.Join(", ", _result.Admins)} (forgotten password: {ResetCommand} {_result.Admins[0]})",
    };

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _result = await EnsureAsync(accounts, options.Value, Console.Out);
        if (_result.GeneratedPassword is not null)
        {
            logger.LogWarning("Created the first admin {Email} with a generated password (printed on the console)", _result.Admins[0]);
        }
    }

    /// <summary>Makes the first admin when there is none; a generated password goes to <paramref name="console"/> only, once.</summary>
    public static async Task<FirstAdminResult> EnsureAsync(UserAdministration accounts, AdminOptions options, TextWriter console)
    {
        var result = await accounts.EnsureFirstAdminAsync(options.Email, options.Password);
        if (result.GeneratedPassword is { } password)
        {
            // Never into a log file or the database.
            await console.WriteLineAsync($"""

                VaasWeb created its first admin. Sign in with
                  e-mail:   {result.Admins[0]}
                  password: {password}
                This password is shown only now. Change it under Admin → Users, or make a new one with
                  {ResetCommand} {result.Admins[0]}

                """);
        }

        return result;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
