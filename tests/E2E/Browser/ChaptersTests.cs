using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using VaasWeb.Tests.E2E.Browser.Pages;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Browser;

/// <summary>
/// A deck of three slides uploaded and ingested by the real app: its chapters over REST (JSON and WebVTT), and on the
/// video page as a list beside the player where each chapter plays from its start.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ChaptersTests(BrowserFixture browser) : IAsyncLifetime
{
    private static readonly (string Title, string Line, double From, double Until)[] Slides = TestMedia.DeckSlides;

    private readonly TempDirectory _temp = new();
    private VaasApp _app = null!;
    private HttpClient _http = null!;
    private string _videoId = "";

    public async Task InitializeAsync()
    {
        _app = VaasApp.Start(_temp.Combine("data"));
        _http = _app.CreateHttpClient();
        var api = new SeedApiClient(_http);
        var upload = await SeedApiClient.ReadJsonAsync(await api.UploadAsync(await TestMedia.DeckVideoAsync()));
        _videoId = upload["video_id"]!.GetValue<string>();
        await api.WaitForFinishAsync(upload["task_id"]!.GetValue<string>(), TimeSpan.FromMinutes(2));
    }

    [Fact]
    public async Task Api_GivesTheChaptersInOrder_AsJsonAndWebVtt_AndAnUnknownVideoIs404()
    {
        var body = JsonNode.Parse(await _http.GetStringAsync($"/api/videos/{_videoId}/chapters"))!;

        Assert.Equal(_videoId, body["video_id"]!.GetValue<string>());
        Assert.Equal($"/api/videos/{_videoId}/chapters.vtt", body["webvtt_url"]!.GetValue<string>());
        var chapters = body["chapters"]!.AsArray();
        Assert.Equal(Slides.Select(s => s.Title), chapters.Select(c => c!["title"]!.GetValue<string>()));
        Assert.All(chapters, c => Assert.Equal("screen_text", c!["title_source"]!.GetValue<string>()));
        Assert.Equal([0, 1, 2], chapters.Select(c => c!["index"]!.GetValue<int>()));
        var second = chapters[1]!;
        Assert.InRange(second["start"]!.GetValue<double>(), Slides[1].From - 1, Slides[1].From + 1);
        Assert.Equal(chapters[0]!["end"]!.GetValue<double>(), second["start"]!.GetValue<double>());
        Assert.StartsWith($"/videos/{_videoId}?t=", second["play_url"]!.GetValue<string>());

        var vtt = await _http.GetAsync(body["webvtt_url"]!.GetValue<string>());
        Assert.Equal("text/vtt", vtt.Content.Headers.ContentType!.MediaType);
        var cues = WebVttCheck.AssertValid(await vtt.Content.ReadAsStringAsync());
        Assert.Equal(Slides.Select(s => s.Title), cues.Select(c => Assert.Single(c.Lines)));
        Assert.Equal(chapters.Select(c => Math.Round(c!["start"]!.GetValue<double>(), 3)), cues.Select(c => c.Start));

        foreach (var path in new[] { "chapters", "chapters.vtt" })
        {
            var missing = await _http.GetAsync($"/api/videos/{Guid.NewGuid()}/{path}");
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.StartsWith("There is no video", (await SeedApiClient.ReadJsonAsync(missing))["detail"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task VideoPage_ListsTheChaptersBesideThePlayer_AndAChapterPlaysFromItsStart()
    {
        var page = await (await browser.NewContextAsync(_app.BaseAddress, 1400, 900)).NewPageAsync();
        var video = new VideoPage(page);

        await video.OpenVideoAsync(_videoId);

        await Assertions.Expect(video.Chapters).ToHaveCountAsync(Slides.Length);
        for (var i = 0; i < Slides.Length; i++)
        {
            await Assertions.Expect(video.Chapters.Nth(i)).ToContainTextAsync(Slides[i].Title);
        }

        await Assertions.Expect(page.GetByTestId("chapters-track")).ToHaveAttributeAsync("src", $"/api/videos/{_videoId}/chapters.vtt");
        // The player reads the chapters track as the browser's own chapter list.
        var cues = await page.EvaluateAsync<int>("""
            () => new Promise(resolve => {
              const track = document.querySelector('[data-testid=chapters-track]');
              track.track.mode = 'hidden';
              const count = () => track.track.cues?.length ?? 0;
              if (track.readyState === 2) { resolve(count()); } else { track.addEventListener('load', () => resolve(count()), { once: true }); }
            })
            """);
        Assert.Equal(Slides.Length, cues);

        await video.ClickChapterAsync(Slides[2].Title);
        await video.WaitForPlayerAtAsync(Slides[2].From - 1);
        Assert.InRange(await video.PlayerTimeAsync(), Slides[2].From - 1, Slides[2].Until);
        // The chapter playing is the one marked, and only it.
        await Assertions.Expect(video.Chapters.Nth(2)).ToHaveAttributeAsync("aria-current", "true");
        await Assertions.Expect(page.Locator("[data-testid=chapter][aria-current]")).ToHaveCountAsync(1);

        await ScreenCheck.EveryScreenAndThemeAsync(page, "video-chapters");
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _temp.Dispose();
    }
}
