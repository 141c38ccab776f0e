using Microsoft.Playwright;
using VaasWeb.Processing.Failures;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Videos;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Browser;

/// <summary>The admin's Retention tab: the dry run's count, deleting exactly that, the run in the list; every screen and theme.</summary>
[Collection(BrowserCollection.Name)]
public sealed class RetentionTabTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private VaasApp _app = null!;

    public Task InitializeAsync()
    {
        _app = VaasApp.Start(_temp.Combine("data"), new Dictionary<string, string?> { ["Retention:TaskDays"] = "30" });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task DryRunCount_ThenDelete_DeletesThoseTasks_AndListsTheRun_OnDesktopAndPhone_LightAndDark()
    {
        // Three videos, each ingested twice: two months ago and a week ago. The old runs (failed) are what retention takes.
        var now = DateTimeOffset.UtcNow;
        var kept = new List<Guid>();
        await using (var db = await _app.DbAsync())
        {
            for (var i = 0; i < 3; i++)
            {
                var video = new Video(Guid.NewGuid(), $"old-{i}.mp4", $"videos/old-{i}.mp4", 1000, null, VideoSource.Upload, now.AddDays(-70));
                db.Videos.Add(video);
                var old = ProcessingTask.Create(TaskKind.Ingestion, video, "queued", now.AddDays(-60));
                old.Start("node-a", now.AddDays(-60));
                old.Fail(ErrorCodes.ToolUnavailable, "ffprobe does not run", now.AddDays(-60));
                var recent = ProcessingTask.Create(TaskKind.Ingestion, video, "queued", now.AddDays(-7));
                recent.Start("node-a", now.AddDays(-7));
                recent.Complete(now.AddDays(-7));
                db.Tasks.AddRange(old, recent);
                kept.Add(recent.Id);
            }

            await db.SaveChangesAsync();
        }

        var page = await (await browser.NewContextAsync(_app.BaseAddress, 1400, 900)).NewPageAsync();
        await page.GotoAsync("/admin");
        await Assertions.Expect(page.GetByTestId("circuit")).ToHaveAttributeAsync("data-live", "true");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Retention" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("retention-tasks")).ToHaveTextAsync("3");
        await Assertions.Expect(page.GetByTestId("retention-no-runs")).ToBeVisibleAsync();
        await ScreenCheck.EveryScreenAndThemeAsync(page, "retention-before");

        await page.GetByTestId("retention-run").ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("retention-tasks")).ToHaveTextAsync("0");
        await Assertions.Expect(page.GetByTestId("retention-run-entry")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("retention-run-entry")).ToContainTextAsync("3 finished task(s)");
        await Assertions.Expect(page.GetByTestId("retention-run")).ToBeDisabledAsync();
        await using (var db = await _app.DbAsync())
        {
            Assert.Equal(kept.Order(), db.Tasks.Select(t => t.Id).ToList().Order());
        }

        await Assertions.Expect(page.Locator(".mud-snackbar")).ToHaveCountAsync(0, new() { Timeout = 15_000 });
        await ScreenCheck.EveryScreenAndThemeAsync(page, "retention-after");
    }
}
