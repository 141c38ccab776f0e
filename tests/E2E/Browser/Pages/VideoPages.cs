using Microsoft.Playwright;

namespace VaasWeb.Tests.E2E.Browser.Pages;

/// <summary>A task's details: what happened, step by step, and what it produced.</summary>
public sealed class TaskDetailsPage(IPage page)
{
    public IPage Page => page;

    public async Task OpenAsync(string taskId)
    {
        await page.GotoAsync($"/tasks/{taskId}");
        await Assertions.Expect(page.GetByTestId("task-steps")).ToBeVisibleAsync();
    }

    public ILocator HistoryRows => page.Locator("[data-testid=task-history] tbody tr");

    public ILocator StepRows => page.Locator("[data-testid=task-steps] tbody tr");

    public ILocator Frames => page.Locator("[data-testid=frame-strip] img");

    public ILocator AudioPlayers => page.Locator("[data-testid=audio-chunks] audio");

    /// <summary>True when every frame image actually loaded (a broken link has no natural width).</summary>
    public Task<bool> AllFramesLoadedAsync() =>
        page.EvaluateAsync<bool>("() => [...document.querySelectorAll('[data-testid=frame-strip] img')].every(i => i.complete && i.naturalWidth > 0)");
}

/// <summary>The video library and a video's page with its player.</summary>
public sealed class VideoPage(IPage page)
{
    public IPage Page => page;

    public async Task OpenLibraryAsync()
    {
        await page.GotoAsync("/videos");
        await Assertions.Expect(page.GetByTestId("video-table")).ToBeVisibleAsync();
    }

    public ILocator LibraryRow(string name) => page.Locator("tr").Filter(new LocatorFilterOptions { Has = page.GetByTestId("video-name").GetByText(name, new() { Exact = true }) });

    public async Task OpenVideoAsync(string videoId, double? startSeconds = null)
    {
        await page.GotoAsync(startSeconds is { } t ? $"/videos/{videoId}?t={t.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : $"/videos/{videoId}");
        // The prerendered player is replaced when the page goes live; the one to read is the live page's.
        await Assertions.Expect(page.GetByTestId("circuit")).ToHaveAttributeAsync("data-live", "true");
        await WaitForPlayerReadyAsync();
    }

    /// <summary>
    /// Waits until the player started at <paramref name="seconds"/> (its media fragment is applied once the header is
    /// read): where it began playing, or where it stands when the browser did not let it play.
    /// </summary>
    public Task WaitForPlayerStandingAtAsync(double seconds) =>
        page.WaitForFunctionAsync($"() => Math.abs(({StartOfPlayer}) - {seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}) < 0.05");

    /// <summary>Where the player began playing, or stands if it has not played.</summary>
    public Task<double> PlayerStartAsync() => page.EvaluateAsync<double>($"() => {StartOfPlayer}");

    /// <summary>It plays by itself, or it says why not and where it will start.</summary>
    /// <summary>Whether, within 10 s, the player plays or the page says to press play (the autoplay attempt runs after the first render).</summary>
    public async Task<bool> PlaysOrSaysPressPlayAsync()
    {
        try
        {
            await page.WaitForFunctionAsync(
                "() => { const v = document.querySelector('[data-testid=player]'); return v.played.length > 0 || !!document.querySelector('[data-testid=press-play]'); }",
                null, new() { Timeout = 10_000 });
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private const string StartOfPlayer =
        "(v => v.played.length > 0 ? v.played.start(0) : v.currentTime)(document.querySelector('[data-testid=player]'))";

    /// <summary>Waits until the player has read the video's header from the server (HTTP range requests).</summary>
    public Task WaitForPlayerReadyAsync() =>
        page.WaitForFunctionAsync("() => { const v = document.querySelector('[data-testid=player]'); return v && v.readyState >= 1 && v.duration > 0; }");

    public Task<double> PlayerTimeAsync() => page.EvaluateAsync<double>("() => document.querySelector('[data-testid=player]').currentTime");

    public Task<double> PlayerDurationAsync() => page.EvaluateAsync<double>("() => document.querySelector('[data-testid=player]').duration");

    public ILocator Chapters => page.GetByTestId("chapter");

    public Task ClickChapterAsync(string title) => Chapters.Filter(new() { HasText = title }).ClickAsync();

    public Task ClickFrameAsync(int index) => page.Locator("[data-testid=frame-strip] .frame").Nth(index).ClickAsync();

    /// <summary>Waits until the player stands (or plays on from) at least <paramref name="seconds"/>.</summary>
    public Task WaitForPlayerAtAsync(double seconds) =>
        page.WaitForFunctionAsync($"() => document.querySelector('[data-testid=player]').currentTime >= {seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)} - 0.05");
}
