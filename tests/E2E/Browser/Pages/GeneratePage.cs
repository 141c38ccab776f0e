using Microsoft.Playwright;

namespace VaasWeb.Tests.E2E.Browser.Pages;

/// <summary>The generate page as a person uses it: describe a video, ask for it, watch its card, play it.</summary>
public sealed class GeneratePage(IPage page)
{
    public IPage Page => page;

    public async Task OpenAsync()
    {
        await page.GotoAsync("/generate");
        await Assertions.Expect(page.GetByTestId("circuit")).ToHaveAttributeAsync("data-live", "true");
    }

    public async Task AskForAsync(string prompt)
    {
        await page.Locator("textarea[data-testid=prompt]").FillAsync(prompt);
        await page.GetByTestId("generate").ClickAsync();
    }

    public ILocator Problems => page.GetByTestId("generation-problems");

    public ILocator Card(string title) =>
        page.GetByTestId("recent-generations").Locator("[data-testid=task-card]")
            .Filter(new LocatorFilterOptions { Has = page.GetByTestId("task-name").GetByText(title, new() { Exact = true }) });

    public Task WaitForCardStateAsync(string title, string state, int timeoutMs = 60_000) =>
        Assertions.Expect(Card(title)).ToHaveAttributeAsync("data-state", state, new() { Timeout = timeoutMs });

    public Task<string> DetailOfAsync(string title) => Card(title).GetByTestId("task-detail").InnerTextAsync();

    public Task PlayResultAsync(string title) => Card(title).GetByTestId("task-result").ClickAsync();
}
