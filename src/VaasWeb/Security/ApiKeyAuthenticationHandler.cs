using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Accounts;

namespace VaasWeb.Security;

/// <summary>Signs a script in as the user whose API key it sends in <c>X-Api-Key</c>, with that user's roles.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiKeyService keys,
    UserManager<IdentityUser> users,
    IUserClaimsPrincipalFactory<IdentityUser> principals)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string KeyIdClaim = "vaas:api_key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(ApiKeyService.HeaderName, out var presented))
        {
            return AuthenticateResult.NoResult();
        }

        var key = await keys.FindAsync(presented.ToString(), Context.RequestAborted);
        if (key is null)
        {
            return AuthenticateResult.Fail($"The API key in {ApiKeyService.HeaderName} is unknown or revoked.");
        }

        var user = await users.FindByIdAsync(key.UserId);
        if (user is null || UserAdministration.IsDisabled(user))
        {
            return AuthenticateResult.Fail("The API key's account is disabled.");
        }

        var principal = await principals.CreateAsync(user);
        var identity = new ClaimsIdentity(principal.Claims.Append(new Claim(KeyIdClaim, key.Id.ToString())), SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Context.Items[AccountEndpoints.ProblemDetailKey] = result.Failure?.Message;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
    }
}
