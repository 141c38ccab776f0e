using Microsoft.Extensions.Options;

namespace VaasWeb.Tests.Unit.Hosting;

[Trait("Category", "Fast")]
public class SettingErrorsTests
{
    [Fact]
    public void Describe_SeveralSectionsWrongAtOnce_ListsEverySettingWithoutAStackTrace()
    {
        var wrong = new AggregateException(
            new OptionsValidationException("Ingestion", typeof(object), ["Ingestion:MaxConcurrentJobs must be between 1 and 64 (got 0)."]),
            new InvalidOperationException("Failed to convert configuration value 'lots' at 'Upload:MaxBytes' to type 'System.Int64'."));

        Assert.Equal(
            "VaasWeb cannot start, a setting is wrong:\n  - Ingestion:MaxConcurrentJobs must be between 1 and 64 (got 0).\n  - Upload:MaxBytes must be a whole number, not 'lots'.",
            SettingErrors.Describe(wrong));
    }

    [Fact]
    public void Describe_AnythingElse_IsNotASettingError()
    {
        Assert.Null(SettingErrors.Describe(new InvalidOperationException("Address already in use")));
    }
}
