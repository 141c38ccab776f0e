using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Realtime;

/// <summary>The app as run.sh starts it, given a Redis string it cannot use.</summary>
public sealed class RedisSettingStartTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    [Fact]
    public async Task MalformedRedisString_StopsTheStartWithOneSentence_NeverPrintingTheString()
    {
        var result = await AppProcess.RunRefusedAsync(_temp.Combine("data"), new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = "127.0.0.1:6379,password=hunter2-secret,ssl=maybe",
        });

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            "VaasWeb cannot start, a setting is wrong:\n  - ConnectionStrings:Redis must be a StackExchange.Redis configuration string "
            + "(such as 127.0.0.1:6379,password=…), but it has a value for 'ssl' that is not valid (the value is not shown: it may hold a password).",
            result.Errors.Trim());
        Assert.DoesNotContain("hunter2-secret", result.Output + result.Errors);
        Assert.DoesNotContain("maybe", result.Output + result.Errors);
    }

    public void Dispose() => _temp.Dispose();
}
