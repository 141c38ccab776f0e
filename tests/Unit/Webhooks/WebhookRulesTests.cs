using System.Net;
using System.Text;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Webhooks;

namespace VaasWeb.Tests.Unit.Webhooks;

/// <summary>The parts of webhooks a receiver and an operator rely on without a network: the signature, the retry schedule, where calls may go.</summary>
[Trait("Category", "Fast")]
public sealed class WebhookRulesTests
{
    [Fact]
    public void Sign_IsSha256HexHmacOfTheRawBody_KeyedWithTheSecretsUtf8Bytes()
    {
        // Computed independently: python3 -c "import hmac,hashlib; print(hmac.new('shéll-secret'.encode(), b'{\"event\":\"task.completed\"}', hashlib.sha256).hexdigest())"
        var signature = WebhookSecrets.Sign("shéll-secret", Encoding.UTF8.GetBytes("{\"event\":\"task.completed\"}"));

        Assert.Equal("sha256=04f0baee5430ed4307138ccd18294cf56362ee98df9875d06bbce8a24633949e", signature);
    }

    [Fact]
    public void Sign_AnyByteOfTheBodyChanged_DifferentSignature() =>
        Assert.NotEqual(WebhookSecrets.Sign("s", "{\"a\":1}"u8.ToArray()), WebhookSecrets.Sign("s", "{\"a\":2}"u8.ToArray()));

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("   ", false)]
    [InlineData("x", true)]
    public void IsValid_SecretMustHaveContent(string? secret, bool valid) =>
        Assert.Equal(valid, WebhookSecrets.IsValid(secret));

    [Fact]
    public void IsValid_SecretOver256Characters_Refused() =>
        Assert.False(WebhookSecrets.IsValid(new string('k', 257)));

    [Fact]
    public void RetryDelay_DoublesFromTheFirstUpToTheCap()
    {
        var options = new WebhookOptions { FirstRetryDelaySeconds = 15, MaxRetryDelaySeconds = 600 };

        var delays = Enumerable.Range(1, 8).Select(round => options.RetryDelay(round).TotalSeconds).ToArray();

        Assert.Equal([15, 30, 60, 120, 240, 480, 600, 600], delays);
    }

    [Fact]
    public void RetryDelay_DefaultSchedule_KeepsTryingForAboutAnHour()
    {
        var options = new WebhookOptions();
        var rounds = 0;
        var waited = TimeSpan.Zero;
        while (waited + options.RetryDelay(rounds + 1) <= TimeSpan.FromMinutes(options.GiveUpAfterMinutes))
        {
            rounds++;
            waited += options.RetryDelay(rounds);
        }

        // 15 s doubling to 10 min: rounds at 0.25, 0.75, 1.75, … minutes; the last one within the hour.
        Assert.Equal(10, rounds);
        Assert.InRange(waited.TotalMinutes, 50, 60);
    }

    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("192.168.1.10", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("93.184.216.34", true)]
    [InlineData("2606:4700:4700::1111", true)]
    public void IsPublic_LoopbackPrivateLinkLocalAndMulticastAreNot(string address, bool isPublic) =>
        Assert.Equal(isPublic, WebhookTargets.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("http://127.0.0.1:9000/hook")]
    [InlineData("http://[::1]/hook")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    public async Task CheckHost_PrivateTarget_RefusedWithASentenceNamingTheSetting(string url)
    {
        var refusal = await Targets(allowPrivate: false).CheckHostAsync(new Uri(url), CancellationToken.None);

        Assert.NotNull(refusal);
        Assert.Contains("Webhooks:AllowPrivateNetworks is true", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckHost_PrivateNetworksAllowed_LoopbackIsFine() =>
        Assert.Null(await Targets(allowPrivate: true).CheckHostAsync(new Uri("http://127.0.0.1:9000/hook"), CancellationToken.None));

    [Fact]
    public async Task AllowedAddresses_PrivateLiteral_Throws_SoNoSocketIsOpened() =>
        await Assert.ThrowsAsync<WebhookTargetRefusedException>(() => Targets(allowPrivate: false).AllowedAddressesAsync("10.0.0.7", CancellationToken.None));

    [Theory]
    [InlineData(null)]
    [InlineData("hooks.example.com/vaas")]
    [InlineData("ftp://example.com/hook")]
    [InlineData("https://user:pass@example.com/hook")]
    public void DescribeUrlProblem_NotAnAbsoluteHttpUrlWithoutCredentials_SaysTheRule(string? url) =>
        Assert.Equal(WebhookTargets.UrlRule, WebhookTargets.DescribeUrlProblem(url, out _));

    [Fact]
    public void DescribeUrlProblem_UrlOver2000Characters_SaysTheRule() =>
        Assert.Equal(WebhookTargets.UrlRule, WebhookTargets.DescribeUrlProblem("https://example.com/" + new string('a', 2000), out _));

    [Fact]
    public void DescribeUrlProblem_GoodUrl_NoProblemAndTheParsedUri()
    {
        Assert.Null(WebhookTargets.DescribeUrlProblem(" https://example.com/hooks/vaas ", out var parsed));
        Assert.Equal("https://example.com/hooks/vaas", parsed!.ToString());
    }

    private static WebhookTargets Targets(bool allowPrivate) => new(Options.Create(new WebhookOptions { AllowPrivateNetworks = allowPrivate }));
}
