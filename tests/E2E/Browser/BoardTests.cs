using Microsoft.Playwright;
using VaasWeb.Tests.E2E.Browser.Pages;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Browser;

/// <summary>A person at the board in Chromium, against the real app with real ffmpeg.</summary>
[Collection(BrowserCollection.Name)]
public sealed class BoardTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private VaasApp _app = null!;

    public Task InitializeAsync()
    {
        _app = VaasApp.Start(_temp.Combine("data"));
        return Task.CompletedTask;
    }

    [Fact]
    public async Task UploadThroughThePage_CardMovesToCompletedLive_OnEveryOpenBoard()
    {
        var board = new BoardPage(await browser.NewPageAsync(_app.BaseAddress));
        var watcher = new BoardPage(await browser.NewPageAsync(_app.BaseAddress, 1280, 800));
        await board.OpenAsync();
        await watcher.OpenAsync();
        var video = await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 10), _temp.Combine("beach-day.mp4"));

        await board.ChooseFilesAsync(video);

        await board.WaitForUploadStatusAsync("beach-day.mp4", "done");
        await board.WaitForCardStateAsync("beach-day.mp4", "completed");
        await watcher.WaitForCardStateAsync("beach-day.mp4", "completed");
        Assert.Equal(100, await board.ProgressOfAsync("beach-day.mp4"));
        await board.ScreenshotAsync("board-completed");
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _temp.Dispose();
    }
}
