using System.Text.Json;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using VaasWeb.Tests.E2E.Browser;
using VaasWeb.Tests.E2E.Browser.Pages;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Limits;

/// <summary>The board's low-disk warning in Chromium: on a desktop and a phone, light and dark, whole and accessible.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DiskSpaceBannerPageTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private VaasApp _app = null!;

    public Task InitializeAsync()
    {
        var data = _temp.Combine("data");
        Directory.CreateDirectory(data);
        // A reserve of two thirds of what is free: the disk is "running low" (under twice the reserve) by a wide
        // margin, whatever the other work on this machine writes meanwhile.
        var reserve = new DriveInfo(data).AvailableFreeSpace * 2 / 3;
        _app = VaasApp.Start(data, new Dictionary<string, string?> { ["Storage:MinFreeBytes"] = reserve.ToString() });
        return Task.CompletedTask;
    }

    [Theory]
    [MemberData(nameof(PagesInHandTests.Screens), MemberType = typeof(PagesInHandTests))]
    public async Task Board_WithTheDiskRunningLow_ShowsTheWarningWhole_InLightAndDark(int width, int height, string screen)
    {
        foreach (var dark in new[] { false, true })
        {
            var context = await browser.NewContextAsync(_app.BaseAddress, width, height);
            await context.AddInitScriptAsync($"localStorage.setItem('vaas-dark-mode', '{(dark ? "true" : "false")}')");
            var page = await context.NewPageAsync();
            var board = new BoardPage(page);
            await board.OpenAsync();
            await page.WaitForFunctionAsync($"() => getComputedStyle(document.body).backgroundColor {(dark ? "!=" : "==")} 'rgb(255, 255, 255)'");

            var banner = page.GetByTestId("disk-space-warning");
            await Assertions.Expect(banner).ToBeVisibleAsync();
            await Assertions.Expect(banner).ToContainTextAsync("The server's disk is running low");
            await Assertions.Expect(banner).ToContainTextAsync("(Storage:MinFreeBytes)");
            var box = await banner.BoundingBoxAsync();
            Assert.NotNull(box);
            Assert.True(box.X >= 0 && box.X + box.Width <= width + 0.5, $"the warning spans {box.X}..{box.X + box.Width} on a {width} px screen");
            Assert.Equal(0, await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth"));
            var serious = (await page.RunAxe()).Violations
                .Where(v => v.Impact is "serious" or "critical")
                .Select(v => $"{v.Impact} {v.Id} ({v.Help}) at {string.Join(" | ", v.Nodes.Take(3).Select(n => JsonSerializer.Serialize(n.Target)))}")
                .ToArray();
            Assert.True(serious.Length == 0, string.Join("\n", serious));
            await board.ScreenshotAsync($"disk-warning-board-{screen}-{(dark ? "dark" : "light")}");
            await context.CloseAsync();
        }
    }

    [Fact]
    public async Task Board_WhenTheDiskIsBelowTheReserve_SaysSo_AndAFileDroppedOnItFailsWithTheServersSentence()
    {
        await using var full = VaasApp.Start(_temp.Combine("full"), new Dictionary<string, string?> { ["Storage:MinFreeBytes"] = (long.MaxValue / 4).ToString() });
        var video = await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 2), _temp.Combine("refused.mp4"));
        var page = await (await browser.NewContextAsync(full.BaseAddress, 390, 844)).NewPageAsync();
        var board = new BoardPage(page);
        await board.OpenAsync();

        await Assertions.Expect(page.GetByTestId("disk-space-warning")).ToContainTextAsync("The server's disk is almost full");
        await board.ChooseFilesAsync(video);

        // Refused at creation: the row fails with the sentence at once instead of retrying as if the network were gone.
        var row = board.Upload("refused.mp4");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "failed");
        await Assertions.Expect(row.GetByTestId("upload-message")).ToContainTextAsync("The server is short of disk space for this upload");
        await board.ScreenshotAsync("disk-full-board-phone-light");
        Assert.Empty(Directory.EnumerateFiles(full.Storage.IncomingDirectory, "*.part", SearchOption.AllDirectories));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _temp.Dispose();
    }
}
