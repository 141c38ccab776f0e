using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace VaasWeb.Processing.Webhooks;

/// <summary>A webhook may not point at this address (loopback, private, link-local) while private networks are off.</summary>
public sealed class WebhookTargetRefusedException(string message) : Exception(message);

/// <summary>
/// Where webhooks may go. Checked when one is registered and again on every connection the sender opens (the
/// socket connects only to an address checked here), so a name that resolves elsewhere later cannot reach inside.
/// </summary>
public sealed class WebhookTargets(IOptions<WebhookOptions> options)
{
    public const string UrlRule = "The url must be an absolute http or https URL of at most 2000 characters, without a user name or password, such as https://example.com/hooks/vaas.";

    /// <summary>The URL's problem as a sentence, or null when its form is fine (where it points is <see cref="CheckHostAsync"/>).</summary>
    public static string? DescribeUrlProblem(string? url, out Uri? parsed)
    {
        parsed = null;
        if (string.IsNullOrWhiteSpace(url) || url.Length > 2000
            || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https")
            || !string.IsNullOrEmpty(uri.UserInfo)
            || string.IsNullOrEmpty(uri.Host))
        {
            return UrlRule;
        }

        parsed = uri;
        return null;
    }

    /// <summary>Null when every address of the host may be called, else the sentence saying why not.</summary>
    public async Task<string?> CheckHostAsync(Uri url, CancellationToken cancellationToken)
    {
        if (options.Value.AllowPrivateNetworks)
        {
            return null;
        }

        IPAddress[] addresses;
        try
        {
            addresses = await ResolveAsync(url.IdnHost, cancellationToken);
        }
        catch (SocketException)
        {
            return $"The host {url.Host} could not be resolved; give a URL whose name resolves to a public address.";
        }

        return addresses.FirstOrDefault(a => !IsPublic(a)) is { } inside ? Refusal(url.Host, inside) : null;
    }

    /// <summary>The addresses a connection to <paramref name="host"/> may use; throws <see cref="WebhookTargetRefusedException"/> for any other.</summary>
    public async Task<IPAddress[]> AllowedAddressesAsync(string host, CancellationToken cancellationToken)
    {
        var addresses = await ResolveAsync(host, cancellationToken);
        if (!options.Value.AllowPrivateNetworks && addresses.FirstOrDefault(a => !IsPublic(a)) is { } inside)
        {
            throw new WebhookTargetRefusedException(Refusal(host, inside));
        }

        return addresses;
    }

    private static string Refusal(string host, IPAddress address) =>
        $"{host} resolves to {address}, a loopback, private or link-local address; webhooks only call public addresses unless {WebhookOptions.Section}:{nameof(WebhookOptions.AllowPrivateNetworks)} is true.";

    private static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);

    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] == 0 || b[0] == 10 || b[0] == 127 || b[0] >= 224
                || (b[0] == 100 && b[1] is >= 64 and <= 127)   // carrier-grade NAT
                || (b[0] == 169 && b[1] == 254)                 // link-local (cloud metadata)
                || (b[0] == 172 && b[1] is >= 16 and <= 31)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 192 && b[1] == 0 && b[2] == 0)
                || (b[0] == 198 && b[1] is 18 or 19));
        }

        var v6 = address.GetAddressBytes();
        return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
            || (v6[0] & 0xfe) == 0xfc                          // unique local fc00::/7
            || address.IsIPv6Teredo || address.IsIPv4MappedToIPv6);
    }
}
