using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Intelligence;
using VaasWeb.Processing.Media;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.Media;

/// <summary>Real tools, and a broken ffprobe (a script exiting 127) in a folder of its own.</summary>
public sealed class ExternalToolsTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly ToolFolder _folder;

    public ExternalToolsTests()
    {
        _folder = new ToolFolder(_temp.Combine("tools"));
    }

    [Fact]
    public async Task Check_EveryInstalledTool_WorksAndSaysItsVersion()
    {
        var tools = Tools();

        var statuses = await Task.WhenAll(tools.ForIngestion.Select(t => tools.CheckAsync(t, CancellationToken.None)));

        Assert.All(statuses, s => Assert.True(s.Works, s.Description));
        Assert.StartsWith("ffprobe version", statuses.Single(s => s.Tool.Name == "ffprobe").Description);
        Assert.Equal("tesseract (eng)", statuses.Single(s => s.Tool.Name == "tesseract").Description);
    }

    [Fact]
    public async Task Check_BrokenOrMissingFfprobe_SaysSoAndNamesThePackageAndTheSetting()
    {
        var tools = Tools();

        _folder.BreakFfprobe();
        var broken = await tools.CheckAsync(tools.Ffprobe, CancellationToken.None);
        var removed = await tools.CheckAsync(tools.Ffprobe with { Command = _temp.Combine("nowhere", "ffprobe") }, CancellationToken.None);

        Assert.False(broken.Works);
        Assert.Equal("ffprobe does not run (exit code 127); install ffmpeg (apt-get install ffmpeg) or set Media:FfmpegFolder to a folder holding a working ffmpeg and ffprobe", broken.Problem);
        Assert.False(removed.Works);
        Assert.StartsWith("ffprobe is not installed or not found;", removed.Problem);
        Assert.DoesNotContain(_temp.Path, broken.Problem + removed.Problem);
    }

    [Fact]
    public async Task Check_OcrLanguageWithoutItsData_NamesTheMissingPackage()
    {
        var tools = Tools(ocrLanguage: "eng+xyz");

        var status = await tools.CheckAsync(tools.Tesseract, CancellationToken.None);

        Assert.False(status.Works);
        Assert.Equal("tesseract has no language data for xyz; install its data (apt-get install tesseract-ocr-xyz) or change Intelligence:Ocr:Language", status.Problem);
    }

    [Fact]
    public async Task Probe_WithBrokenFfprobe_IsTheServersFaultNotTheFiles()
    {
        var tools = Tools();
        using var media = new FfmpegMediaTool(Options.Create(new MediaOptions { FfmpegFolder = _folder.Path }), tools, NullLogger<FfmpegMediaTool>.Instance);
        var video = await TestMedia.VideoAsync(new VideoSpec(Seconds: 1));
        var text = TestMedia.TextFile(_temp.Combine("notes.mp4"));
        Assert.Equal(MediaException.NotAVideo, (await Assert.ThrowsAsync<MediaException>(() => media.ProbeAsync(text, CancellationToken.None))).Code);

        _folder.BreakFfprobe();
        var brokenOnVideo = await Assert.ThrowsAsync<MediaException>(() => media.ProbeAsync(video, CancellationToken.None));
        var brokenOnText = await Assert.ThrowsAsync<MediaException>(() => media.ProbeAsync(text, CancellationToken.None));

        Assert.Equal((MediaException.ToolUnavailable, MediaException.ToolUnavailable), (brokenOnVideo.Code, brokenOnText.Code));
        Assert.Contains("Media:FfmpegFolder", brokenOnVideo.Message);
        Assert.Contains("apt-get install ffmpeg", brokenOnText.Message);
    }

    [Fact]
    public async Task Require_ChecksAgainWhenTheToolsFileChanged()
    {
        var tools = Tools();
        await tools.RequireAsync([tools.Ffmpeg, tools.Ffprobe], CancellationToken.None);

        _folder.BreakFfprobe();
        var required = await Assert.ThrowsAsync<MediaException>(() => tools.RequireAsync([tools.Ffmpeg, tools.Ffprobe], CancellationToken.None));

        Assert.Equal(MediaException.ToolUnavailable, required.Code);
        Assert.StartsWith("The server cannot do this work now: ffprobe does not run (exit code 127)", required.Message);
    }

    private ExternalTools Tools(string ocrLanguage = "eng") => new(
        Options.Create(new MediaOptions { FfmpegFolder = _folder.Path }),
        Options.Create(new IntelligenceOptions { Ocr = new OcrOptions { Language = ocrLanguage } }),
        TimeProvider.System);

    public void Dispose() => _temp.Dispose();
}
