using Microsoft.Playwright;
using VaasWeb.Tests.E2E.Browser.Pages;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Browser;

/// <summary>A person searches for something said in a video, clicks the hit, and the player is at that moment.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SearchPageTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private VaasApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = VaasApp.Start(_temp.Combine("data"));
        var api = new SeedApiClient(_app.CreateHttpClient());
        var upload = await SeedApiClient.ReadJsonAsync(await api.UploadAsync(await TestMedia.TalkingVideoAsync()));
        await api.WaitForFinishAsync(upload["task_id"]!.GetValue<string>(), TimeSpan.FromMinutes(2));
    }

    [Fact]
    public async Task SearchAPhrase_ClickTheHit_PlayerIsAtThatTime()
    {
        var page = await (await browser.NewContextAsync(_app.BaseAddress)).NewPageAsync();
        await page.GotoAsync("/search");
        await Assertions.Expect(page.GetByTestId("circuit")).ToHaveAttributeAsync("data-live", "true");

        await page.Locator("input[data-testid=search-input]").FillAsync("open the door");

        var hit = page.GetByTestId("search-hit").First;
        await Assertions.Expect(hit.GetByTestId("hit-source")).ToHaveTextAsync("speech");
        await Assertions.Expect(hit.Locator("mark").First).ToHaveTextAsync("open");
        var start = double.Parse((await hit.GetAttributeAsync("data-start"))!, System.Globalization.CultureInfo.InvariantCulture);
        var moment = double.Parse((await hit.GetAttributeAsync("data-moment"))!, System.Globalization.CultureInfo.InvariantCulture);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "search-results.png") });
        await hit.GetByTestId("hit-link").ClickAsync();

        var video = new VideoPage(page);
        await video.WaitForPlayerReadyAsync();
        await video.WaitForPlayerStandingAtAsync(moment);
        Assert.InRange(start, 11.8, 12.6);
        // "open" is the second word of "please open the door": a moment after the utterance begins, before it ends.
        Assert.InRange(moment, start, start + 1.5);
        Assert.True(await video.PlaysOrSaysPressPlayAsync(), "the player neither plays nor says to press play");
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _temp.Dispose();
    }
}
