using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Intelligence;
using VaasWeb.Processing.Search;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Videos;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.Intelligence;

/// <summary>
/// On-screen text from real ingestions (ffmpeg's frames, tesseract's readings) of a picture with nothing meant to be
/// read and of a slide shown over it.
/// </summary>
public sealed class ScreenTextIngestionTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private ProcessingHost _host = null!;

    public async Task InitializeAsync() => _host = await ProcessingHost.StartAsync(_temp.Combine("data"));

    [Theory]
    [InlineData(320, 240)]
    [InlineData(1024, 768)]
    public async Task Ingest_TestPatternOnly_IndexesNoOnScreenText(int width, int height)
    {
        var video = await IngestAsync(await TestMedia.TestPatternVideoAsync(width, height));

        Assert.Empty(await ScreenTextAsync(video));
        await using var db = await _host.DbAsync();
        // tesseract did read the pictures; what it made of them was dropped as noise.
        Assert.Matches(@"^text on 0 of [1-9]\d* distinct pictures, 0 segments$", (await db.TaskSteps.SingleAsync(s => s.Name == "frame_text")).Detail);
    }

    [Fact]
    public async Task Ingest_SlideShownFourSeconds_BecomesOneSegmentWithItsTextAndSpan()
    {
        var video = await IngestAsync(await TestMedia.SlideVideoAsync());

        var slide = Assert.Single(await ScreenTextAsync(video));
        Assert.Equal(TestMedia.SlideText, slide.Text);
        Assert.InRange(slide.StartSeconds, TestMedia.SlideFromSeconds - 1, TestMedia.SlideFromSeconds + 1);
        Assert.InRange(slide.EndSeconds, TestMedia.SlideUntilSeconds - 1, TestMedia.SlideUntilSeconds + 1);
        var hit = Assert.Single((await _host.Get<SearchService>().SearchTextAsync("budget review", null, 10, CancellationToken.None)).Hits);
        Assert.Equal((HitSource.ScreenText, slide.StartSeconds), (hit.Source, hit.StartSeconds));
    }

    [Fact]
    public async Task ReadAsync_PatternAndSlideInOneRun_EachImageGetsItsOwnReading()
    {
        var pattern = await TestMedia.StillAsync(await TestMedia.TestPatternVideoAsync(), 7, _temp.Combine("pattern.jpg"), width: 800);
        var slide = await TestMedia.StillAsync(await TestMedia.SlideVideoAsync(), 6, _temp.Combine("slide.jpg"), width: 800);

        var texts = await _host.Get<IFrameTextReader>().ReadAsync([pattern, slide, pattern], CancellationToken.None);

        Assert.Equal(["", TestMedia.SlideText, ""], texts.Select(t => t.Text));
        Assert.InRange(texts[1].Confidence, 90, 100);
        Assert.Equal(0, texts[0].Confidence);
    }

    private async Task<Video> IngestAsync(string source)
    {
        var incoming = _host.Storage.NewIncomingPath();
        File.Copy(source, incoming);
        var imported = await _host.Get<VideoImporter>().ImportUploadAsync(incoming, "pattern.mp4", new FileInfo(incoming).Length, "x", true, null, CancellationToken.None);
        var done = await _host.Events.WaitForFinishAsync(imported.Task!.Id, TimeSpan.FromMinutes(2));
        Assert.True(done.State == TaskState.Completed, $"{done.State}: {done.ErrorCode} {done.ErrorMessage}");
        return imported.Video;
    }

    private async Task<List<TextSegment>> ScreenTextAsync(Video video)
    {
        await using var db = await _host.DbAsync();
        return await db.TextSegments.Where(s => s.VideoId == video.Id && s.Source == TextSource.ScreenText).OrderBy(s => s.StartSeconds).ToListAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _temp.Dispose();
    }
}
