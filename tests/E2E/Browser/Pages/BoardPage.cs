using Microsoft.Playwright;

namespace VaasWeb.Tests.E2E.Browser.Pages;

/// <summary>The task board as a person uses it: upload files, watch cards move, read what went wrong.</summary>
public sealed class BoardPage(IPage page)
{
    public IPage Page => page;

    public async Task OpenAsync()
    {
        await page.GotoAsync("/");
        await WaitUntilLiveAsync();
    }

    /// <summary>The page renders before its circuit connects; the upload panel says when it is wired up.</summary>
    public Task WaitUntilLiveAsync() =>
        Assertions.Expect(page.Locator("[data-testid=upload-input]")).ToHaveAttributeAsync("data-ready", "true");

    public Task ChooseFilesAsync(params string[] paths) => page.Locator("[data-testid=upload-input]").SetInputFilesAsync(paths);

    public ILocator Card(string videoName) =>
        page.Locator("[data-testid=task-card]").Filter(new LocatorFilterOptions { Has = page.GetByTestId("task-name").GetByText(videoName, new() { Exact = true }) });

    public ILocator Column(string state) => page.GetByTestId($"column-{state}");

    public ILocator Upload(string fileName) => page.Locator($"[data-testid=upload-row][data-upload-name='{fileName}']");

    public Task WaitForCardStateAsync(string videoName, string state, int timeoutMs = 90_000) =>
        Assertions.Expect(Card(videoName)).ToHaveAttributeAsync("data-state", state, new() { Timeout = timeoutMs });

    public async Task<double> ProgressOfAsync(string videoName) =>
        double.Parse((await Card(videoName).GetByTestId("task-progress").InnerTextAsync()).TrimEnd('%'), System.Globalization.CultureInfo.InvariantCulture);

    public Task<string> FailureReasonAsync(string videoName) => Card(videoName).GetByTestId("failure-reason").InnerTextAsync();

    public Task WaitForUploadStatusAsync(string fileName, string status, int timeoutMs = 60_000) =>
        Assertions.Expect(Upload(fileName)).ToHaveAttributeAsync("data-status", status, new() { Timeout = timeoutMs });

    public Task<string> UploadMessageAsync(string fileName) => Upload(fileName).GetByTestId("upload-message").InnerTextAsync();

    /// <summary>Clears a finished upload's row (so the same file can be followed again).</summary>
    public async Task DismissUploadAsync(string fileName)
    {
        await Upload(fileName).GetByRole(AriaRole.Button, new() { Name = "Dismiss" }).ClickAsync();
        await Assertions.Expect(Upload(fileName)).ToHaveCountAsync(0);
    }

    public Task ScreenshotAsync(string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, $"{name}.png"), FullPage = true });
}
