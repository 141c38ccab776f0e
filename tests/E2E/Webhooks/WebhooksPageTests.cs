using System.Text.Json;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using VaasWeb.Tests.E2E.Browser;
using VaasWeb.Tests.E2E.Support;

namespace VaasWeb.Tests.E2E.Webhooks;

[Collection(BrowserCollection.Name)]
public sealed class WebhooksPageTests(BrowserFixture browser, WebhookAppFixture fixture) : IClassFixture<WebhookAppFixture>
{
    [Fact]
    public async Task WebhooksPage_AddsAWebhook_ShowsItsDeliveryLog_OnDesktopAndPhone_LightAndDark()
    {
        fixture.Receiver.Answer("/page-flaky", _ => 502);
        var page = await (await browser.NewContextAsync(fixture.App.BaseAddress, 1400, 900)).NewPageAsync();
        await page.GotoAsync("/account/webhooks");
        await Assertions.Expect(page.GetByTestId("circuit")).ToHaveAttributeAsync("data-live", "true");
        await page.Locator("input[data-testid=webhook-url]").FillAsync(fixture.Receiver.Url("/page-flaky"));
        await page.Locator("input[data-testid=webhook-secret]").FillAsync("page secret");
        await page.GetByTestId("create-webhook").ClickAsync();
        await Assertions.Expect(page.GetByTestId("webhook-row")).ToHaveCountAsync(1);
        await fixture.RunIngestionAsync("page.mp4");
        await Eventually.TrueAsync(() => fixture.Receiver.CallsTo("/page-flaky").Count >= 3, "the first failed round");

        // The "added" message (MudBlazor's success colours fail contrast on their own) is gone before axe looks.
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToHaveCountAsync(0, new() { Timeout = 15_000 });
        await page.GetByTestId("show-deliveries").ClickAsync();
        await Assertions.Expect(page.GetByTestId("delivery-row")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("delivery-row")).ToContainTextAsync("502");
        var isDark = false;
        foreach (var (width, height, screen) in new[] { (1400, 900, "desktop"), (390, 844, "phone") })
        {
            await page.SetViewportSizeAsync(width, height);
            foreach (var dark in new[] { false, true })
            {
                if (dark != isDark)
                {
                    await page.GetByLabel("Toggle dark mode").ClickAsync();
                    isDark = dark;
                    // MudBlazor fades colours over 0.3 s; axe must see the end of it, not the middle.
                    await page.WaitForFunctionAsync("() => document.getAnimations().every(a => a.playState !== 'running')");
                }

                // The toggle's tooltip is not part of the page under test.
                await page.Mouse.MoveAsync(width - 5, height - 5);
                await Assertions.Expect(page.Locator(".mud-popover-open.mud-tooltip")).ToHaveCountAsync(0);

                Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth") <= 0, "the page is wider than the screen");
                var serious = (await page.RunAxe()).Violations.Where(v => v.Impact is "serious" or "critical")
                    .Select(v => $"{v.Id} ({v.Help}) at {JsonSerializer.Serialize(v.Nodes.First().Target)}").ToList();
                Assert.True(serious.Count == 0, string.Join("\n", serious));
                await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, $"webhooks-{screen}-{(dark ? "dark" : "light")}.png"), FullPage = true });
            }
        }
    }
}
