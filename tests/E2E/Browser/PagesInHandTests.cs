using System.Text.Json;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using VaasWeb.Tests.E2E.Browser.Pages;

namespace VaasWeb.Tests.E2E.Browser;

/// <summary>
/// Every page as people hold it: a desktop and a phone, light and dark, filled with long names, long prompts and
/// long reasons. Nothing may be cut off, the reason a task failed and how long a running one has left must be
/// readable on the board itself, and no page may have a serious accessibility fault.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PagesInHandTests(BrowserFixture browser, HardContentApp content) : IClassFixture<HardContentApp>
{
    public static readonly TheoryData<int, int, string> Screens = new() { { 1400, 900, "desktop" }, { 390, 844, "phone" } };

    /// <summary>Every card and table cell box whose content does not fit it, and whether the page is wider than the screen.</summary>
    private const string Clipped = """
        (selector) => {
          const cut = [...document.querySelectorAll(selector)]
            .filter(e => e.scrollHeight > e.clientHeight + 1 || e.scrollWidth > e.clientWidth + 1)
            .map(e => `${e.getAttribute('data-testid') ?? e.className} ${e.getAttribute('data-task-id') ?? ''}: ${e.scrollWidth}×${e.scrollHeight} in ${e.clientWidth}×${e.clientHeight}`);
          const wider = document.documentElement.scrollWidth - window.innerWidth;
          if (wider > 0) cut.push(`the page is ${wider} px wider than the screen`);
          return cut;
        }
        """;

    [Theory]
    [MemberData(nameof(Screens))]
    public async Task Board_WithHardContent_ShowsEveryCardWhole_ReasonsEstimatesAndLinksInsideTheirCards(int width, int height, string screen)
    {
        var page = await (await browser.NewContextAsync(content.App.BaseAddress, width, height)).NewPageAsync();
        var board = new BoardPage(page);
        await board.OpenAsync();
        var running = Card(page, content.RunningTaskId);
        // A real estimate, not the placeholder: the running ingestion has been measured for a while.
        await Assertions.Expect(running.GetByTestId("task-timing")).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"ETA \d"), new() { Timeout = 60_000 });

        foreach (var dark in new[] { false, true })
        {
            if (dark)
            {
                await page.GetByLabel("Toggle dark mode").ClickAsync();
            }

            await Assertions.Expect(page.Locator("[data-testid=task-card]")).ToHaveCountAsync(6);
            Assert.Empty(await page.EvaluateAsync<string[]>(Clipped, "[data-testid=task-card], .board-column-header"));
            await InsideItsCardAsync(running, running.GetByTestId("task-timing"));
            foreach (var failed in new[] { content.RefusedTaskId, content.CancelledTaskId })
            {
                await InsideItsCardAsync(Card(page, failed), Card(page, failed).GetByTestId("failure-reason"));
            }

            await Assertions.Expect(Card(page, content.RefusedTaskId).GetByTestId("failure-reason")).ToContainTextAsync("MiniMax: insufficient balance (1008)");
            await Assertions.Expect(Card(page, content.CancelledTaskId).GetByTestId("failure-reason")).ToContainTextAsync($"cancelled by {Support.VaasApp.AdminEmail}");
            await InsideItsCardAsync(Card(page, content.MadeTaskId), Card(page, content.MadeTaskId).GetByTestId("task-result"));
            // The whole text of a clamped name is one hover away.
            Assert.Equal(HardContentApp.LongName, await Card(page, content.RunningTaskId).GetByTestId("task-name").GetAttributeAsync("title"));
            await board.ScreenshotAsync($"layout-board-{screen}-{(dark ? "dark" : "light")}");
        }
    }

    [Theory]
    [MemberData(nameof(Screens))]
    public async Task GenerateAndTaskDetails_WithHardContent_NothingIsCutOff(int width, int height, string screen)
    {
        var page = await (await browser.NewContextAsync(content.App.BaseAddress, width, height)).NewPageAsync();

        await new GeneratePage(page).OpenAsync();
        await Assertions.Expect(page.GetByTestId("recent-generations").Locator("[data-testid=task-card]")).ToHaveCountAsync(2);
        Assert.Empty(await page.EvaluateAsync<string[]>(Clipped, "[data-testid=task-card], button"));
        await InsideItsCardAsync(Card(page, content.MadeTaskId), Card(page, content.MadeTaskId).GetByTestId("task-result"));
        await InsideItsCardAsync(Card(page, content.RefusedTaskId), Card(page, content.RefusedTaskId).GetByTestId("failure-reason"));
        // The button says what it does, whole, however narrow the screen.
        Assert.Equal("Generate", (await page.GetByTestId("generate").InnerTextAsync()).Trim(), ignoreCase: true);
        await Shot(page, $"layout-generate-{screen}");

        await new TaskDetailsPage(page).OpenAsync(content.RefusedTaskId);
        await Assertions.Expect(page.GetByTestId("task-error")).ToContainTextAsync("insufficient balance (1008)");
        Assert.Empty(await page.EvaluateAsync<string[]>(Clipped, ".mud-table-container, td, [data-testid=task-error]"));
        await Shot(page, $"layout-failed-generation-{screen}");

        await new TaskDetailsPage(page).OpenAsync(content.TalkingTaskId);
        var resultCells = page.Locator("[data-testid=task-steps] tbody tr td:last-child");
        await Assertions.Expect(resultCells).ToHaveCountAsync(9);
        Assert.Empty(await page.EvaluateAsync<string[]>(Clipped, ".mud-table-container, td"));
        // Every step's result lies within the screen's width (it used to be pushed off to the right). The boxes are read
        // in one pass in the page: a live re-render between two calls would otherwise hand back a detached cell.
        var boxes = await page.EvaluateAsync<double[][]>(
            "() => [...document.querySelectorAll('[data-testid=task-steps] tbody tr td:last-child')].map(td => { const r = td.getBoundingClientRect(); return [r.x, r.width]; })");
        Assert.Equal(9, boxes.Length);
        for (var i = 0; i < boxes.Length; i++)
        {
            var (x, w) = (boxes[i][0], boxes[i][1]);
            Assert.True(w > 0 && x >= 0 && x + w <= width + 0.5, $"step {i}'s result is at x {x}, {w} wide, on a {width} px screen");
        }

        await Shot(page, $"layout-task-details-{screen}");
    }

    [Fact]
    public async Task VideoPage_WithSpeech_ShowsItsSubtitlesInThePlayer_AndOffersThemAsFiles()
    {
        var page = await (await browser.NewContextAsync(content.App.BaseAddress, 1400, 900)).NewPageAsync();
        await page.GotoAsync($"/videos/{content.TalkingVideoId}");
        await Assertions.Expect(page.GetByTestId("circuit")).ToHaveAttributeAsync("data-live", "true");

        // The player loaded the track itself (with the page's cookie) and holds its cues.
        var cues = await page.WaitForFunctionAsync("""
            () => { const track = document.querySelector('video').textTracks[0];
                    return track && track.kind === 'captions' && track.mode === 'showing' && track.cues && track.cues.length > 0 && track.cues.length; }
            """);
        Assert.True(await cues.JsonValueAsync<int>() > 0);
        await Assertions.Expect(page.GetByTestId("download-vtt")).ToHaveAttributeAsync("download", "meeting notes.vtt");
        var srt = await page.APIRequest.GetAsync((await page.GetByTestId("download-srt").GetAttributeAsync("href"))!);
        Assert.Equal(200, srt.Status);
        Assert.StartsWith("1\r\n00:00:", await srt.TextAsync());
        await Shot(page, "video-subtitles-desktop");
    }

    [Theory]
    [MemberData(nameof(Screens))]
    public async Task EveryPage_HasNoSeriousOrCriticalAccessibilityViolation_InLightAndDark(int width, int height, string screen)
    {
        string[] pages =
        [
            "/", "/videos", $"/videos/{content.TalkingVideoId}", "/search?q=open%20the%20door", "/generate", $"/tasks/{content.RefusedTaskId}",
            "/admin", "/account/keys", "/no-such-page",
        ];
        var found = new List<string>();
        foreach (var dark in new[] { false, true })
        {
            var context = await browser.NewContextAsync(content.App.BaseAddress, width, height);
            await context.AddInitScriptAsync($"localStorage.setItem('vaas-dark-mode', '{(dark ? "true" : "false")}')");
            var page = await context.NewPageAsync();
            foreach (var path in pages)
            {
                await page.GotoAsync(path);
                await Assertions.Expect(page.GetByTestId("circuit")).ToHaveAttributeAsync("data-live", "true");
                // The theme follows the saved choice once the page is live.
                await page.WaitForFunctionAsync($"() => getComputedStyle(document.body).backgroundColor {(dark ? "!=" : "==")} 'rgb(255, 255, 255)'");
                await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
                found.AddRange(await SeriousViolationsAsync(page, $"{path} ({(dark ? "dark" : "light")})"));
            }

            await Shot(page, $"a11y-last-page-{screen}-{(dark ? "dark" : "light")}");
            await context.CloseAsync();
        }

        // The sign-in page, to someone not signed in.
        var login = await (await browser.NewContextAsync(content.App.BaseAddress, width, height, email: "")).NewPageAsync();
        await new LoginPage(login).OpenAsync();
        found.AddRange(await SeriousViolationsAsync(login, "/account/login"));

        Assert.True(found.Count == 0, string.Join("\n", found));
    }

    private static async Task<IEnumerable<string>> SeriousViolationsAsync(IPage page, string where)
    {
        var result = await page.RunAxe();
        return result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{where}: {v.Impact} {v.Id} ({v.Help}) at {string.Join(" | ", v.Nodes.Take(3).Select(n => JsonSerializer.Serialize(n.Target)))}");
    }

    private static ILocator Card(IPage page, string taskId) => page.Locator($"[data-testid=task-card][data-task-id='{taskId}']");

    /// <summary>The element is shown (not hidden, not zero-sized) and lies entirely within its card.</summary>
    private static async Task InsideItsCardAsync(ILocator card, ILocator element)
    {
        await Assertions.Expect(element).ToBeVisibleAsync();
        var (outer, inner) = (await card.BoundingBoxAsync(), await element.BoundingBoxAsync());
        Assert.NotNull(outer);
        Assert.NotNull(inner);
        Assert.True(inner.Height > 0 && inner.Width > 0, "the element has no size");
        Assert.True(inner.X >= outer.X - 0.5 && inner.Y >= outer.Y - 0.5 && inner.X + inner.Width <= outer.X + outer.Width + 0.5
                    && inner.Y + inner.Height <= outer.Y + outer.Height + 0.5,
            $"{inner.X},{inner.Y} {inner.Width}×{inner.Height} is not inside the card at {outer.X},{outer.Y} {outer.Width}×{outer.Height}");
    }

    private static Task Shot(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, $"{name}.png"), FullPage = true });
}
