using Microsoft.AspNetCore.Components.Authorization;
using VaasWeb.Processing.Accounts;

namespace VaasWeb.Security;

/// <summary>
/// Who is using this page, for the audit log and task owners. A circuit has no request to read the client's
/// address from, so <c>Routes</c> hands over the one the page was first requested from.
/// </summary>
public sealed class CurrentActor(AuthenticationStateProvider authentication)
{
    public string? Address { get; set; }

    public async Task<Actor> GetAsync() => (await authentication.GetAuthenticationStateAsync()).User.ToActor(Address);
}
