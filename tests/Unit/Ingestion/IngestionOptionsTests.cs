using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VaasWeb.Processing;
using VaasWeb.Processing.Ingestion;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.Ingestion;

public class IngestionOptionsTests
{
    [Trait("Category", "Fast")]
    [Fact]
    public void Validate_Defaults_AreValid()
    {
        Assert.True(new IngestionOptionsValidator().Validate(null, new IngestionOptions()).Succeeded);
    }

    public static TheoryData<string, Action<IngestionOptions>> BadValues => new()
    {
        { "Ingestion:FrameIntervalSeconds", o => o.FrameIntervalSeconds = 0 },
        { "Ingestion:FrameIntervalSeconds", o => o.FrameIntervalSeconds = -1 },
        { "Ingestion:FrameMaxWidth", o => o.FrameMaxWidth = 4 },
        { "Ingestion:AudioChunkSeconds", o => o.AudioChunkSeconds = 0.5 },
        { "Ingestion:AudioOverlapSeconds", o => o.AudioOverlapSeconds = 10 },
        { "Ingestion:AudioOverlapSeconds", o => o.AudioOverlapSeconds = -1 },
        { "Ingestion:AudioMinChunkSeconds", o => o.AudioMinChunkSeconds = 11 },
        { "Ingestion:AudioSampleRate", o => o.AudioSampleRate = 100 },
        { "Ingestion:MaxConcurrentJobs", o => o.MaxConcurrentJobs = 0 },
        { "Ingestion:MaxAttempts", o => o.MaxAttempts = 0 },
        { "Ingestion:StepTimeoutFactor", o => o.StepTimeoutFactor = 0 },
        { "Ingestion:StepTimeoutFloorSeconds", o => o.StepTimeoutFloorSeconds = 0.5 },
        { "Ingestion:TaskTimeoutFactor", o => o.TaskTimeoutFactor = -1 },
        { "Ingestion:TaskTimeoutFloorSeconds", o => o.TaskTimeoutFloorSeconds = 0 },
    };

    [Theory]
    [Trait("Category", "Fast")]
    [MemberData(nameof(BadValues))]
    public void Validate_BadValue_FailsNamingTheSetting(string setting, Action<IngestionOptions> spoil)
    {
        var options = new IngestionOptions();
        spoil(options);

        var result = new IngestionOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, message => message.StartsWith(setting + " ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HostStart_BadSetting_StopsWithAMessageNamingIt()
    {
        using var temp = new TempDirectory();

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => ProcessingHost.StartAsync(
            temp.Path, new Dictionary<string, string?> { ["Ingestion:FrameIntervalSeconds"] = "0" }));

        Assert.Contains("Ingestion:FrameIntervalSeconds must be between 0.04 and 3600 seconds (got 0)", e.Message);
    }

    [Fact]
    public async Task HostStart_FfmpegFolderWithoutFfmpeg_StopsInsteadOfSilentlyUsingPath()
    {
        using var temp = new TempDirectory();

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => ProcessingHost.StartAsync(
            temp.Combine("data"), new Dictionary<string, string?> { ["Media:FfmpegFolder"] = temp.Path }));

        Assert.Contains("Media:FfmpegFolder", e.Message);
    }

    [Trait("Category", "Fast")]
    [Fact]
    public void Binding_ValueThatIsNotANumber_FailsNamingTheSetting()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Ingestion:AudioChunkSeconds"] = "ten" })
            .Build();
        using var provider = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration)
            .AddVaasProcessing(configuration).BuildServiceProvider();

        var e = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IOptions<IngestionOptions>>().Value);

        Assert.Contains("Ingestion:AudioChunkSeconds", e.Message);
    }
}
