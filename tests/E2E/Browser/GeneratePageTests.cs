using global::MiniMax.Emulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;
using VaasWeb.Tests.E2E.Browser.Pages;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Browser;

/// <summary>A person asks for a video on the generate page and watches it being made, against the MiniMax emulator.</summary>
[Collection(BrowserCollection.Name)]
public sealed class GeneratePageTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string Prompt = "A paper boat drifts down a rain-filled gutter";

    private readonly TempDirectory _temp = new();
    private WebApplication? _emulator;
    private VaasApp? _app;

    public Task InitializeAsync() => Task.CompletedTask;

    [Fact]
    public async Task AskForAVideo_CardFollowsMiniMaxLive_ThenTheVideoPlays()
    {
        // Phases long enough for the first poll (at 5 s) to find MiniMax still working.
        _emulator = await EmulatorApp.StartAsync("--Emulator:PreparingSeconds=2", "--Emulator:QueueingSeconds=2", "--Emulator:ProcessingSeconds=3",
            "--Emulator:RenderWidth=320", $"--Emulator:DataDirectory={_temp.Combine("emulator")}");
        _app = VaasApp.Start(_temp.Combine("data"), new Dictionary<string, string?>
        {
            ["MiniMax:BaseUrl"] = EmulatorApp.AddressOf(_emulator).ToString(),
            ["MiniMax:ApiKey"] = "emulator-key",
            ["MiniMax:PollIntervalSeconds"] = "5",
            ["MiniMax:IngestResults"] = "false",
        });
        var context = await browser.NewContextAsync(_app.BaseAddress);
        var generate = new GeneratePage(await context.NewPageAsync());
        var board = new BoardPage(await context.NewPageAsync());
        await generate.OpenAsync();
        await board.OpenAsync();

        await generate.AskForAsync(Prompt);

        await generate.WaitForCardStateAsync(Prompt, "running");
        await Assertions.Expect(generate.Card(Prompt).GetByTestId("task-detail")).ToContainTextAsync("MiniMax: Processing", new() { Timeout = 15_000 });
        await generate.Page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "generate-running.png"), FullPage = true });
        await generate.WaitForCardStateAsync(Prompt, "completed");
        // The board follows the same task, live, in another tab.
        await board.WaitForCardStateAsync(Prompt, "completed");
        foreach (var page in new[] { generate.Page, board.Page })
        {
            var frames = await CardRecorder.ReadAsync(page, Prompt);
            // Pending lasts until the next submit tick (under a second) and may be gone before a page renders it.
            Assert.Equal(["running", "completed"], CardRecorder.Journey(frames).SkipWhile(s => s == "pending"));
            var running = frames.Where(f => f.State == "running").Select(f => f.Progress).ToArray();
            Assert.Equal(running.Order(), running);
        }

        await generate.PlayResultAsync(Prompt);
        var video = new VideoPage(generate.Page);
        await video.WaitForPlayerReadyAsync();
        Assert.InRange(await video.PlayerDurationAsync(), 5.5, 6.5);
        await generate.Page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "generate-result.png") });
    }

    [Fact]
    public async Task NoKeyConfigured_PageSaysHowToTurnItOnAndCannotSubmit()
    {
        _app = VaasApp.Start(_temp.Combine("data"));
        var generate = new GeneratePage(await (await browser.NewContextAsync(_app.BaseAddress)).NewPageAsync());

        await generate.OpenAsync();

        await Assertions.Expect(generate.Page.GetByTestId("generation-off")).ToContainTextAsync("MiniMax__ApiKey");
        await Assertions.Expect(generate.Page.GetByTestId("generate")).ToBeDisabledAsync();
    }

    [Fact]
    public async Task AskWithoutAPrompt_SaysWhatIsMissingAndQueuesNothing()
    {
        _emulator = await EmulatorApp.StartAsync($"--Emulator:DataDirectory={_temp.Combine("emulator")}");
        _app = VaasApp.Start(_temp.Combine("data"), new Dictionary<string, string?>
        {
            ["MiniMax:BaseUrl"] = EmulatorApp.AddressOf(_emulator).ToString(),
            ["MiniMax:ApiKey"] = "emulator-key",
        });
        var generate = new GeneratePage(await (await browser.NewContextAsync(_app.BaseAddress)).NewPageAsync());
        await generate.OpenAsync();

        await generate.AskForAsync("   ");

        await Assertions.Expect(generate.Problems).ToContainTextAsync("prompt is required");
        await Assertions.Expect(generate.Page.GetByTestId("no-generations")).ToBeVisibleAsync();

        // Fixing the prompt takes the error away at once, before anything is sent again.
        await generate.Page.Locator("textarea[data-testid=prompt]").FillAsync(Prompt);
        await Assertions.Expect(generate.Problems).ToHaveCountAsync(0);
        await Assertions.Expect(generate.Page.GetByTestId("no-generations")).ToBeVisibleAsync();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        if (_emulator is not null)
        {
            await _emulator.StopAsync();
            await _emulator.DisposeAsync();
        }

        _temp.Dispose();
    }
}
