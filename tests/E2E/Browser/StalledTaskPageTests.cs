using Microsoft.Playwright;
using VaasWeb.Tests.E2E.Browser.Pages;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Browser;

/// <summary>
/// A real ingestion whose ffmpeg hangs on the frames without a word, seen in Chromium: the watchdog marks it stalled,
/// the open board shows it without a reload (edge, icon, how long), the "Stalled only" switch keeps just it, and its
/// task page says what happens next; on every screen and theme.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class StalledTaskPageTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string LongName = "the-lighthouse-keepers-last-winter-on-the-north-shore-interview-and-b-roll-final-cut-2.mp4";

    private readonly TempDirectory _temp = new();
    private ToolFolder _tools = null!;
    private VaasApp _app = null!;

    public Task InitializeAsync()
    {
        _tools = new ToolFolder(_temp.Combine("tools"));
        _tools.HangFfmpegOn("/frames/%06d.jpg");
        _app = VaasApp.Start(_temp.Combine("data"), new Dictionary<string, string?>
        {
            ["Media:FfmpegFolder"] = _tools.Path,
            ["Tasks:StallAfterSeconds"] = "3",
            // Long enough to look at: the re-queue is StallWatchTests' business.
            ["Tasks:StallGraceSeconds"] = "600",
        });
        return Task.CompletedTask;
    }

    [Fact]
    public async Task HangingIngestion_IsMarkedStalledOnTheOpenBoard_FilterableAndExplainedOnItsPage()
    {
        var api = new SeedApiClient(_app.CreateHttpClient());
        var page = await (await browser.NewContextAsync(_app.BaseAddress, 1400, 900)).NewPageAsync();
        var board = new BoardPage(page);
        await board.OpenAsync();
        await board.WaitUntilLiveAsync();
        var stuck = await SeedApiClient.ReadJsonAsync(await api.UploadAsync(await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 4), _temp.Combine("stuck.mp4")), LongName));
        await Assertions.Expect(board.Card(LongName)).ToHaveAttributeAsync("data-state", "running", new() { Timeout = 30_000 });
        await api.UploadAsync(await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 2), _temp.Combine("waiting.mp4")), "waiting.mp4");

        // One ingestion runs at a time: the first hangs on its frames, the second waits behind it.
        var card = board.Card(LongName);
        await Assertions.Expect(card).ToHaveAttributeAsync("data-stalled", "true", new() { Timeout = 30_000 });
        await Assertions.Expect(card.GetByTestId("task-stalled")).ToContainTextAsync("stalled: no progress for 0:0");
        await Assertions.Expect(card.GetByTestId("task-stalled")).ToContainTextAsync("re-queued if it stays silent");
        await Assertions.Expect(board.Card("waiting.mp4").GetByTestId("task-stalled")).ToHaveCountAsync(0);
        await ScreenCheck.EveryScreenAndThemeAsync(page, "board-stalled");

        await page.Locator("input[data-testid=stalled-filter]").CheckAsync();
        await Assertions.Expect(page.GetByTestId("task-card")).ToHaveCountAsync(1);
        await Assertions.Expect(board.Card(LongName)).ToBeVisibleAsync();
        await ScreenCheck.EveryScreenAndThemeAsync(page, "board-stalled-only");

        await page.GotoAsync($"/tasks/{stuck["task_id"]!.GetValue<string>()}");
        var alert = page.GetByTestId("task-stalled");
        await Assertions.Expect(alert).ToContainTextAsync("during step 'frames'");
        await Assertions.Expect(alert).ToContainTextAsync("re-queued as attempt 2");
        await Assertions.Expect(alert).ToContainTextAsync("Tasks:StallGraceSeconds");
        await ScreenCheck.EveryScreenAndThemeAsync(page, "task-stalled");
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _temp.Dispose();
    }
}
