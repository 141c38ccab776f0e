using Microsoft.Playwright;
using VaasWeb.Tests.E2E.Browser.Pages;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Browser;

/// <summary>Task details, the library and the player, after a real ingestion.</summary>
[Collection(BrowserCollection.Name)]
public sealed class VideoPagesTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private VaasApp _app = null!;
    private string _taskId = "";
    private string _videoId = "";

    public async Task InitializeAsync()
    {
        _app = VaasApp.Start(_temp.Combine("data"));
        var api = new SeedApiClient(_app.CreateHttpClient());
        var upload = await SeedApiClient.ReadJsonAsync(await api.UploadAsync(await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 10), _temp.Combine("harbour.mp4"))));
        _taskId = upload["task_id"]!.GetValue<string>();
        _videoId = upload["video_id"]!.GetValue<string>();
        await api.WaitForFinishAsync(_taskId);
    }

    [Fact]
    public async Task TaskDetails_ShowHistoryStepsFramesAndPlayableChunks()
    {
        var details = new TaskDetailsPage(await NewPageAsync());

        await details.OpenAsync(_taskId);

        await Assertions.Expect(details.HistoryRows).ToHaveCountAsync(3);
        await Assertions.Expect(details.StepRows).ToHaveCountAsync(9);
        await Assertions.Expect(details.Frames).ToHaveCountAsync(10);
        await details.Page.WaitForFunctionAsync("() => [...document.querySelectorAll('[data-testid=frame-strip] img')].every(i => i.complete)");
        Assert.True(await details.AllFramesLoadedAsync());
        await Assertions.Expect(details.AudioPlayers).ToHaveCountAsync(2);
        // The first chunk loads and knows its length: it is playable.
        var seconds = await details.Page.EvaluateAsync<double>("""
            () => new Promise((resolve, reject) => {
              const audio = document.querySelector('[data-testid=audio-chunks] audio');
              audio.addEventListener('loadedmetadata', () => resolve(audio.duration), { once: true });
              audio.addEventListener('error', () => reject(audio.error?.message ?? 'error'), { once: true });
              audio.preload = 'metadata';
              audio.load();
            })
            """);
        Assert.Equal(10, seconds, precision: 1);
        await details.Page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "task-details.png"), FullPage = true });
    }

    [Fact]
    public async Task Library_ListsTheVideo_AndItsPagePlaysFromTheAskedTime()
    {
        var videos = new VideoPage(await NewPageAsync());

        await videos.OpenLibraryAsync();
        var row = videos.LibraryRow("harbour.mp4");
        await Assertions.Expect(row).ToContainTextAsync("0:10");
        await Assertions.Expect(row).ToContainTextAsync("completed");
        await videos.Page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "library.png") });
        await row.ClickAsync();
        await videos.WaitForPlayerReadyAsync();
        Assert.Equal(10, await videos.PlayerDurationAsync(), precision: 0);

        await videos.OpenVideoAsync(_videoId, startSeconds: 4);
        await videos.WaitForPlayerStandingAtAsync(4);
        Assert.Equal(4, await videos.PlayerStartAsync(), precision: 1);
        Assert.True(await videos.PlaysOrSaysPressPlayAsync(), "arriving at a moment, the player neither played nor said to press play");

        await videos.ClickFrameAsync(7);
        await videos.WaitForPlayerAtAsync(7);
        await videos.Page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "video-player.png") });
    }

    [Fact]
    public async Task DarkMode_BoardIsReadableOnAWallScreen()
    {
        var page = await NewPageAsync(2560, 1440);
        var board = new BoardPage(page);
        await board.OpenAsync();

        await page.GetByLabel("Toggle dark mode").ClickAsync();

        await Assertions.Expect(board.Card("harbour.mp4")).ToHaveAttributeAsync("data-state", "completed");
        var background = await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('.mud-main-content')).backgroundColor");
        Assert.NotEqual("rgb(255, 255, 255)", background);
        await board.ScreenshotAsync("board-dark-wall-screen");
    }

    private async Task<IPage> NewPageAsync(int width = 1600, int height = 1000) =>
        await (await browser.NewContextAsync(_app.BaseAddress, width, height)).NewPageAsync();

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _temp.Dispose();
    }
}
