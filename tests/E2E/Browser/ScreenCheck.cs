using System.Text.Json;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace VaasWeb.Tests.E2E.Browser;

/// <summary>
/// A page as a person sees it on each screen we promise (desktop 1400×900, phone 390×844) in light and dark: no
/// wider than the screen, no serious or critical axe violation, and a full-page screenshot
/// (<c>TestResults/screenshots/{name}-{screen}-{theme}.png</c>) to look at. Themes are switched with the app's own
/// toggle; the page is left light, at desktop size.
/// </summary>
public static class ScreenCheck
{
    public static async Task EveryScreenAndThemeAsync(IPage page, string name)
    {
        var isDark = await IsDarkAsync(page);
        foreach (var (width, height, screen) in new[] { (1400, 900, "desktop"), (390, 844, "phone") })
        {
            await page.SetViewportSizeAsync(width, height);
            foreach (var dark in new[] { false, true })
            {
                if (dark != isDark)
                {
                    await ToggleThemeAsync(page);
                    isDark = dark;
                }

                // The toggle's tooltip is not part of the page under test.
                await page.Mouse.MoveAsync(width - 5, height - 5);
                await Assertions.Expect(page.Locator(".mud-popover-open.mud-tooltip")).ToHaveCountAsync(0);
                var theme = dark ? "dark" : "light";
                Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth") <= 0, $"{name} is wider than the {screen} screen ({theme})");
                var serious = (await page.RunAxe()).Violations.Where(v => v.Impact is "serious" or "critical")
                    .Select(v => $"{name} ({screen}, {theme}): {v.Id} ({v.Help}) at {JsonSerializer.Serialize(v.Nodes.First().Target)}").ToList();
                Assert.True(serious.Count == 0, string.Join("\n", serious));
                await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, $"{name}-{screen}-{theme}.png"), FullPage = true });
            }
        }

        if (isDark)
        {
            await ToggleThemeAsync(page);
        }

        await page.SetViewportSizeAsync(1400, 900);
    }

    private static Task<bool> IsDarkAsync(IPage page) =>
        page.EvaluateAsync<bool>("() => getComputedStyle(document.body).backgroundColor !== 'rgb(255, 255, 255)'");

    private static async Task ToggleThemeAsync(IPage page)
    {
        await page.GetByLabel("Toggle dark mode").ClickAsync();
        // MudBlazor fades colours over 0.3 s; axe must see the end of it, not the middle.
        await page.WaitForFunctionAsync("() => document.getAnimations().every(a => a.playState !== 'running')");
    }
}
