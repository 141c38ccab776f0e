using Microsoft.Playwright;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Browser;

/// <summary>The Stats page after real work: two ingestions, one failure (ffprobe broken under a re-run), one cancel; what it says, on every screen and theme.</summary>
[Collection(BrowserCollection.Name)]
public sealed class StatsPageTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private ToolFolder _tools = null!;
    private VaasApp _app = null!;

    public Task InitializeAsync()
    {
        _tools = new ToolFolder(_temp.Combine("tools"));
        _app = VaasApp.Start(_temp.Combine("data"), new Dictionary<string, string?> { ["Media:FfmpegFolder"] = _tools.Path });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task AfterTwoIngestionsAFailureAndACancel_ShowsTheCountsReasonsStepsAndQueue_OnDesktopAndPhone_LightAndDark()
    {
        var api = new SeedApiClient(_app.CreateHttpClient());
        var ids = new List<string>();
        foreach (var name in new[] { "first.mp4", "second.mp4", "will-fail.mp4" })
        {
            var upload = await SeedApiClient.ReadJsonAsync(await api.UploadAsync(await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 2), _temp.Combine(name)), name));
            ids.Add(upload["task_id"]!.GetValue<string>());
            Assert.Equal("completed", (await api.WaitForFinishAsync(ids[^1]))["status"]!.GetValue<string>());
        }

        _tools.BreakFfprobe();
        (await api.Http.PostAsync($"/api/tasks/{ids[^1]}/rerun", null)).EnsureSuccessStatusCode();
        Assert.Equal("failed", (await api.WaitForFinishAsync(ids[^1]))["status"]!.GetValue<string>());
        _tools.RepairFfprobe();

        var cancelled = (await SeedApiClient.ReadJsonAsync(await api.UploadAsync(await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 60), _temp.Combine("long.mp4")), "long.mp4")))["task_id"]!.GetValue<string>();
        (await api.Http.PostAsync($"/api/tasks/{cancelled}/cancel", null)).EnsureSuccessStatusCode();
        await api.WaitForFinishAsync(cancelled);

        var page = await (await browser.NewContextAsync(_app.BaseAddress, 1400, 900)).NewPageAsync();
        await page.GotoAsync("/admin/stats");

        await Assertions.Expect(page.GetByTestId("stats-completed")).ToHaveTextAsync("2");
        await Assertions.Expect(page.GetByTestId("stats-failed")).ToHaveTextAsync("1");
        await Assertions.Expect(page.GetByTestId("stats-cancelled")).ToHaveTextAsync("1");
        await Assertions.Expect(page.GetByTestId("stats-queue")).ToContainTextAsync("Nothing waiting or running");
        // Every completed step: three first attempts (the re-run's probe failed; the cancelled one may have begun its probe).
        var probe = page.Locator("[data-testid=stats-step][data-step=probe]");
        await Assertions.Expect(probe).ToHaveCountAsync(1);
        Assert.Contains(await probe.Locator("td[data-label=Runs]").InnerTextAsync(), new[] { "3", "4" });
        await Assertions.Expect(page.Locator("[data-testid=stats-step][data-step=frames] td[data-label=Runs]")).ToHaveTextAsync("3");
        await Assertions.Expect(page.GetByTestId("stats-work")).ToContainTextAsync("over 2 completed ingestions");
        var failure = page.Locator("[data-testid=stats-failure]");
        await Assertions.Expect(failure).ToHaveCountAsync(1);
        await Assertions.Expect(failure).ToHaveAttributeAsync("data-code", "tool_unavailable");
        await Assertions.Expect(failure).ToContainTextAsync("Media:FfmpegFolder");
        await Assertions.Expect(page.Locator("[data-testid=stats-hours] svg")).ToHaveCountAsync(1);

        // This page's circuit is in Blazor's own gauge at /metrics, as is every end the page counts (and the first
        // run of the re-run task, which completed before the re-run failed).
        var metrics = Telemetry.PrometheusText.Parse(await Telemetry.MetricsTests.ScrapeAsync(api.Http));
        Assert.True(metrics.Value("aspnetcore_components_circuit_active_circuits") + metrics.Value("aspnetcore_components_circuit_active") >= 1,
            "The open page's circuit is counted.");
        Assert.Equal((3, 1, 1), ((int)metrics.Value("vaas_tasks_ended_total", ("outcome", "completed")),
            (int)metrics.Value("vaas_tasks_ended_total", ("outcome", "failed")), (int)metrics.Value("vaas_tasks_ended_total", ("outcome", "cancelled"))));

        // The week holds the same work.
        await page.GetByText("Last 7 days").ClickAsync();
        await Assertions.Expect(page.GetByTestId("stats-completed")).ToHaveTextAsync("2");

        await ScreenCheck.EveryScreenAndThemeAsync(page, "stats");
    }
}
