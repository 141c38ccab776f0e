using VaasWeb.Limits;
using VaasWeb.Processing.Storage;

namespace VaasWeb.Tests.Unit.Limits;

[Trait("Category", "Fast")]
public class LimitsTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void Refusal_WhenTheUploadLeavesTheReserve_IsNull()
    {
        Assert.Null(DiskSpace.Refusal(freeBytes: 100 * MiB, incomingBytes: 40 * MiB, minFreeBytes: 60 * MiB));
        Assert.Null(DiskSpace.Refusal(freeBytes: 100 * MiB, incomingBytes: 100 * MiB, minFreeBytes: 0));
    }

    [Fact]
    public void Refusal_WhenTheUploadWouldEatIntoTheReserve_SaysWhatItWouldLeaveAndNamesTheSetting()
    {
        var sentence = DiskSpace.Refusal(freeBytes: 100 * MiB, incomingBytes: 41 * MiB, minFreeBytes: 60 * MiB);

        Assert.Equal("The server is short of disk space for this upload: it would leave 59 MiB free, below the 60 MiB the server keeps "
            + "(Storage:MinFreeBytes). Nothing was kept; an admin needs to free space before it is sent again.", sentence);
    }

    [Fact]
    public void Refusal_WhenTheUploadDoesNotFitAtAll_SaysHowMuchIsFree()
    {
        Assert.StartsWith("The server is short of disk space for this upload: it needs 2 MiB and the disk has 1 MiB free.",
            DiskSpace.Refusal(freeBytes: MiB, incomingBytes: 2 * MiB, minFreeBytes: 0));
    }

    [Fact]
    public void Warning_IsNullWithRoom_LowUnderTheThreshold_AlmostFullAtTheReserve()
    {
        Assert.Null(DiskSpace.Warning(freeBytes: 200 * MiB, warnBelowBytes: 200 * MiB, minFreeBytes: 100 * MiB));
        Assert.StartsWith("The server's disk is running low: 150 MiB free.", DiskSpace.Warning(150 * MiB, 200 * MiB, 100 * MiB));
        Assert.StartsWith("The server's disk is almost full: 100 MiB free, and uploads are refused below 100 MiB", DiskSpace.Warning(100 * MiB, 200 * MiB, 100 * MiB));
    }

    [Theory]
    [InlineData(null, 60, 60)]
    [InlineData(0.0, 60, 1)]
    [InlineData(0.2, 60, 1)]
    [InlineData(41.01, 60, 42)]
    public void RetryAfterSeconds_RoundsUpToWholeSecondsAndNeverSaysZero(double? after, double window, int expected) =>
        Assert.Equal(expected, RateLimits.RetryAfterSeconds(after is { } s ? TimeSpan.FromSeconds(s) : null, TimeSpan.FromSeconds(window)));

    [Theory]
    [InlineData(LimitKind.Upload, 30, 60, "Too many uploads from your account: the limit is 30 per 1 min (Limits:Upload). Try again in 7 s.")]
    [InlineData(LimitKind.Search, 120, 3600, "Too many searches, clips and questions from your account: the limit is 120 per 1 h (Limits:Search). Try again in 7 s.")]
    [InlineData(LimitKind.Mcp, 5, 2.5, "Too many MCP calls from your account: the limit is 5 per 2.5 s (Limits:Mcp). Try again in 7 s.")]
    public void Sentence_NamesWhatWasCountedTheLimitTheSettingAndWhenToRetry(LimitKind kind, int permits, double seconds, string expected) =>
        Assert.Equal(expected, RateLimits.Sentence(kind, new RateWindow { PermitLimit = permits, WindowSeconds = seconds }, 7));

    [Fact]
    public void QueuedSentence_IsNullUnderTheCap_AndCountsThemAtIt()
    {
        Assert.Null(QueuedTaskCap.Sentence(queued: 4, limit: 5));
        Assert.StartsWith("Your account has 1 task queued or running, and the limit is 1 (Limits:MaxQueuedTasksPerUser).", QueuedTaskCap.Sentence(1, 1));
        Assert.StartsWith("Your account has 6 tasks queued", QueuedTaskCap.Sentence(6, 5));
    }

    [Fact]
    public void Validator_NamesEveryBrokenSettingAtOnce()
    {
        var options = new LimitsOptions { MaxQueuedTasksPerUser = -1 };
        options.Upload.PermitLimit = -2;
        options.Mcp.WindowSeconds = 0;

        var result = new LimitsOptionsValidator().Validate(null, options);

        Assert.Equal([
            "Limits:MaxQueuedTasksPerUser must be 0 (no cap) or a positive number of tasks (got -1).",
            "Limits:Upload:PermitLimit must be 0 (no limit) or a positive number of requests (got -2).",
            "Limits:Mcp:WindowSeconds must be between 0.1 and 86400 (got 0).",
        ], result.Failures);
    }

    [Fact]
    public void Defaults_PassTheValidator_AndExemptAdmins()
    {
        var defaults = new LimitsOptions();

        Assert.True(new LimitsOptionsValidator().Validate(null, defaults).Succeeded);
        Assert.True(defaults.ExemptAdmins);
        Assert.All(Enum.GetValues<LimitKind>(), kind => Assert.False(defaults.For(kind).IsOff));
    }
}
