using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using VaasWeb.Tests.E2E.Browser.Pages;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Browser;

/// <summary>People at the board in Chromium, against the real app with real ffmpeg.</summary>
[Collection(BrowserCollection.Name)]
public sealed class BoardTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private VaasApp? _app;

    public Task InitializeAsync() => Task.CompletedTask;

    [Fact]
    public async Task UploadThroughThePage_CardGoesPendingRunningCompletedLive_OnEveryOpenBoard()
    {
        // Every frame is sampled, so ingestions run long enough to be watched; one at a time, so the second waits.
        var app = Start(new() { ["Ingestion:FrameIntervalSeconds"] = "0.04" });
        var (board, watcher) = (await OpenBoardAsync(app), await OpenBoardAsync(app, 1280, 800));
        var loadedAt = await CardRecorder.LoadedAtAsync(board.Page);
        var blocker = await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 30, Width: 640, Height: 480, Audio: false), _temp.Combine("long-take.mp4"));
        var video = await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 10), _temp.Combine("beach-day.mp4"));

        await board.ChooseFilesAsync(blocker);
        await board.WaitForCardStateAsync("long-take.mp4", "running");
        await board.ChooseFilesAsync(video);
        await board.WaitForUploadStatusAsync("beach-day.mp4", "done");
        await board.WaitForCardStateAsync("beach-day.mp4", "pending");
        await board.ScreenshotAsync("board-running-and-pending");
        await board.WaitForCardStateAsync("beach-day.mp4", "completed");
        await watcher.WaitForCardStateAsync("beach-day.mp4", "completed");

        foreach (var page in new[] { board.Page, watcher.Page })
        {
            var frames = await CardRecorder.ReadAsync(page, "beach-day.mp4");
            Assert.Equal(["pending", "running", "completed"], CardRecorder.Journey(frames));
            var running = frames.Where(f => f.State == "running").Select(f => f.Progress).ToArray();
            Assert.Equal(running.Order(), running);
            Assert.Contains(running, p => p is > 0 and < 100);
            Assert.Equal(100, frames[^1].Progress);
        }

        Assert.Equal(loadedAt, await CardRecorder.LoadedAtAsync(board.Page));
        await board.ScreenshotAsync("board-completed");
    }

    [Fact]
    public async Task UploadATextFileNamedMp4_SaysItIsNotAVideoAndKeepsNothing()
    {
        var app = Start();
        var board = await OpenBoardAsync(app);

        await board.ChooseFilesAsync(TestMedia.TextFile(_temp.Combine("holiday.mp4")));

        await board.WaitForUploadStatusAsync("holiday.mp4", "failed");
        Assert.Contains("not a video", await board.UploadMessageAsync("holiday.mp4"));
        await board.ScreenshotAsync("upload-not-a-video");
        Assert.Equal(0, await board.Card("holiday.mp4").CountAsync());
        await using var db = await app.DbAsync();
        Assert.Equal(0, await db.Videos.CountAsync());
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(app.Storage.IncomingDirectory, "resumable")));
    }

    [Fact]
    public async Task UploadLargerThanTheLimit_IsRefusedInTheBrowserBeforeSendingAByte()
    {
        var app = Start(new() { ["Upload:MaxBytes"] = "100000" });
        var board = await OpenBoardAsync(app);
        var requests = 0;
        board.Page.Request += (_, request) => requests += request.Url.Contains("/uploads/tus") ? 1 : 0;

        await board.ChooseFilesAsync(await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 10, Lossless: true), _temp.Combine("huge.mp4")));

        await board.WaitForUploadStatusAsync("huge.mp4", "failed");
        Assert.Contains("larger than the 97.66 KiB limit", await board.UploadMessageAsync("huge.mp4"));
        Assert.Equal(0, requests);
    }

    [Fact]
    public async Task NetworkDropsHalfway_UploadResumesFromWhereItStoppedWhenItIsBack_SameBytesStored()
    {
        const int chunk = 64 * 1024;
        var app = Start(new() { ["Upload:BrowserChunkBytes"] = chunk.ToString() });
        var board = await OpenBoardAsync(app);
        var video = await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 10, Lossless: true), _temp.Combine("windy-hill.mp4"));
        var offsets = new List<long>();
        var dropped = new TaskCompletionSource();
        await board.Page.RouteAsync("**/uploads/tus/*", async route =>
        {
            if (route.Request.Method == "PATCH")
            {
                lock (offsets)
                {
                    offsets.Add(long.Parse(route.Request.Headers["upload-offset"]));
                }

                if (offsets.Count == 4)
                {
                    // The network goes away in the middle of the fourth piece.
                    await board.Page.Context.SetOfflineAsync(true);
                    await route.AbortAsync("internetdisconnected");
                    dropped.TrySetResult();
                    return;
                }
            }

            await route.ContinueAsync();
        });

        await board.ChooseFilesAsync(video);
        await dropped.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await board.Page.Context.SetOfflineAsync(false);

        await board.WaitForUploadStatusAsync("windy-hill.mp4", "done");
        Assert.True(new FileInfo(video).Length > 8 * chunk, "the file must span many pieces");
        long[] sent;
        lock (offsets)
        {
            sent = offsets.ToArray();
        }

        Assert.Equal([0L, chunk, 2L * chunk, 3L * chunk], sent[..4]);
        Assert.Equal(3L * chunk, sent[4]);
        Assert.All(sent[4..], offset => Assert.True(offset >= 3L * chunk, $"restarted at {offset}"));
        Assert.Equal(Sha256(video), await StoredSha256Async(app, "windy-hill.mp4"));
    }

    [Fact]
    public async Task CancelOneOfTwoUploads_OnlyThatOneStopsAndNothingOfItIsKept()
    {
        const int chunk = 64 * 1024;
        var app = Start(new() { ["Upload:BrowserChunkBytes"] = chunk.ToString(), ["Ingestion:AutoStart"] = "false" });
        var board = await OpenBoardAsync(app);
        var big = await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 10, Lossless: true), _temp.Combine("big.mp4"));
        var small = await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 2), _temp.Combine("small.mp4"));
        var held = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        // The small file fits in one piece; the big one is held after its first piece, so it is mid-upload.
        await board.Page.RouteAsync("**/uploads/tus/*", async route =>
        {
            if (route.Request.Method == "PATCH" && route.Request.Headers["upload-offset"] != "0")
            {
                held.TrySetResult();
                await release.Task;
            }

            await route.ContinueAsync();
        });

        await board.ChooseFilesAsync(big, small);
        await held.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await board.Upload("big.mp4").GetByTestId("upload-cancel").ClickAsync();
        release.TrySetResult();

        await board.WaitForUploadStatusAsync("big.mp4", "cancelled");
        await board.WaitForUploadStatusAsync("small.mp4", "done");
        await using var db = await app.DbAsync();
        Assert.Equal(["small.mp4"], await db.Videos.Select(v => v.OriginalFileName).ToListAsync());
        await Eventually.TrueAsync(() => !Directory.EnumerateFiles(Path.Combine(app.Storage.IncomingDirectory, "resumable")).Any(),
            "the cancelled upload's files are deleted on the server");
    }

    [Fact]
    public async Task TabClosedMidUpload_SameFilePickedAgain_ContinuesFromWhereItStopped()
    {
        const int chunk = 64 * 1024;
        var app = Start(new() { ["Upload:BrowserChunkBytes"] = chunk.ToString() });
        var context = await browser.NewContextAsync(app.BaseAddress);
        var first = new BoardPage(await context.NewPageAsync());
        await first.OpenAsync();
        var video = await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 10, Lossless: true), _temp.Combine("river.mp4"));
        // Signalled only once the fourth chunk is aborted, and on another thread: closing the page while its request
        // is still held by this handler lets that request go through to the server.
        var threeChunksIn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await first.Page.RouteAsync("**/uploads/tus/*", async route =>
        {
            if (route.Request.Method == "PATCH" && long.Parse(route.Request.Headers["upload-offset"]) >= 3L * chunk)
            {
                await route.AbortAsync();
                threeChunksIn.TrySetResult();
                return;
            }

            await route.ContinueAsync();
        });
        await first.ChooseFilesAsync(video);
        await threeChunksIn.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await first.Page.CloseAsync();

        var second = new BoardPage(await context.NewPageAsync());
        var offsets = new List<long>();
        second.Page.Request += (_, request) =>
        {
            if (request.Method == "PATCH" && request.Url.Contains("/uploads/tus/"))
            {
                lock (offsets)
                {
                    offsets.Add(long.Parse(request.Headers["upload-offset"]));
                }
            }
        };
        await second.OpenAsync();
        await second.ChooseFilesAsync(video);

        await second.WaitForUploadStatusAsync("river.mp4", "done");
        Assert.Equal(3L * chunk, offsets[0]);
        Assert.Equal(Sha256(video), await StoredSha256Async(app, "river.mp4"));
    }

    [Fact]
    public async Task ConnectionToTheServerDrops_BoardCatchesUpOnReconnectWithoutReload()
    {
        var app = Start();
        var board = await OpenBoardAsync(app);
        var loadedAt = await CardRecorder.LoadedAtAsync(board.Page);
        var api = new SeedApiClient(app.CreateHttpClient());

        // Keep the page from reconnecting while things change on the server.
        await board.Page.RouteAsync("**/_blazor/negotiate*", route => route.AbortAsync());
        await board.Page.EvaluateAsync("() => Blazor._internal.forceCloseConnection()");
        await Assertions.Expect(board.Page.GetByTestId("reconnect-banner")).ToBeVisibleAsync();
        var upload = await SeedApiClient.ReadJsonAsync(await api.UploadAsync(await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 3), _temp.Combine("while-away.mp4"))));
        await api.WaitForFinishAsync(upload["task_id"]!.GetValue<string>());
        Assert.Equal(0, await board.Card("while-away.mp4").CountAsync());
        await board.ScreenshotAsync("board-reconnecting");

        await board.Page.UnrouteAsync("**/_blazor/negotiate*");
        // What the banner's "Try again" does; by now Blazor may have stopped retrying by itself.
        await board.Page.EvaluateAsync("() => vaas.reconnect()");

        await board.WaitForCardStateAsync("while-away.mp4", "completed");
        await Assertions.Expect(board.Page.GetByTestId("reconnect-banner")).ToBeHiddenAsync();
        Assert.Equal(loadedAt, await CardRecorder.LoadedAtAsync(board.Page));
    }

    [Fact]
    public async Task ServerRestartsUnderAnOpenBoard_PageReloadsByItself_AndShowsWhatFinishedWhileItWasAway()
    {
        var port = VaasApp.FreePort();
        _app = VaasApp.Start(_temp.Combine("data"), port: port);
        var board = await OpenBoardAsync(_app);
        var loadedAt = await CardRecorder.LoadedAtAsync(board.Page);
        // The page cannot reach the server until the task is done: then what it shows can only come from a fresh load.
        await board.Page.RouteAsync("**/_blazor**", route => route.AbortAsync());
        await board.Page.RouteAsync("**/favicon.svg*", route => route.AbortAsync());

        await _app.DisposeAsync();
        await Assertions.Expect(board.Page.GetByTestId("reconnect-banner")).ToBeVisibleAsync();
        _app = VaasApp.Start(_temp.Combine("data"), port: port);
        var api = new SeedApiClient(_app.CreateHttpClient());
        var upload = await SeedApiClient.ReadJsonAsync(await api.UploadAsync(await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 3), _temp.Combine("while-away.mp4"))));
        Assert.Equal("completed", (await api.WaitForFinishAsync(upload["task_id"]!.GetValue<string>()))["status"]!.GetValue<string>());
        await board.ScreenshotAsync("board-server-restarted");
        await board.Page.UnrouteAllAsync();

        await board.Page.WaitForFunctionAsync($"() => window.__pageLoadedAt !== {loadedAt.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            null, new() { Timeout = 30_000 });
        await board.WaitForCardStateAsync("while-away.mp4", "completed", timeoutMs: 30_000);
        // Shown as it is now from the first render, not replayed.
        Assert.Equal(["completed"], CardRecorder.Journey(await CardRecorder.ReadAsync(board.Page, "while-away.mp4")));
        await Assertions.Expect(board.Page.GetByTestId("reconnect-banner")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task SameBytesUploadedAgain_OffersTheVideoAlreadyThere_KeepBothLeavesTwoEntriesToldApart_DropLeavesOne()
    {
        var app = Start();
        var board = await OpenBoardAsync(app);
        var video = await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 2), _temp.Combine("harbour.mp4"));
        await board.ChooseFilesAsync(video);
        await board.WaitForCardStateAsync("harbour.mp4", "completed");
        await using (var db = await app.DbAsync())
        {
            Assert.Equal(1, await db.Videos.CountAsync());
        }

        await board.DismissUploadAsync("harbour.mp4");
        await board.ChooseFilesAsync(video);
        await board.WaitForUploadStatusAsync("harbour.mp4", "duplicate");
        var row = board.Upload("harbour.mp4");
        await Assertions.Expect(row.GetByTestId("upload-message")).ToContainTextAsync("already in the library as harbour.mp4");
        Guid original;
        await using (var db = await app.DbAsync())
        {
            original = (await db.Videos.OrderBy(v => v.CreatedAt).FirstAsync()).Id;
            // Stored, not ingested, until its uploader decides.
            Assert.Equal((2, 1), (await db.Videos.CountAsync(), await db.Tasks.CountAsync()));
        }

        Assert.Equal($"/videos/{original}", await row.GetByTestId("duplicate-link").GetAttributeAsync("href"));
        await board.ScreenshotAsync("upload-duplicate");
        await row.GetByTestId("keep-copy").ClickAsync();
        await board.WaitForUploadStatusAsync("harbour.mp4", "done");
        await Assertions.Expect(board.Page.Locator("[data-testid=task-card][data-state=completed]")).ToHaveCountAsync(2, new() { Timeout = 60_000 });

        // Two entries of one name: the pickers say when each was added and how large it is.
        var search = board.Page;
        await search.GotoAsync("/search");
        await Assertions.Expect(search.GetByTestId("circuit")).ToHaveAttributeAsync("data-live", "true");
        await search.GetByTestId("search-video").ClickAsync();
        // The popover opens before its items render: wait for both entries, then read them.
        await Assertions.Expect(search.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasTextString = "harbour.mp4" })).ToHaveCountAsync(2);
        var labels = await search.Locator(".mud-popover-open .mud-list-item").AllInnerTextsAsync();
        var harbours = labels.Where(l => l.StartsWith("harbour.mp4", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, harbours.Length);
        Assert.All(harbours, l => Assert.Matches(@"^harbour\.mp4 · added \d{4}-\d\d-\d\d \d\d:\d\d:\d\d · \d", l));
        Assert.NotEqual(harbours[0], harbours[1]);

        await board.OpenAsync();
        await board.ChooseFilesAsync(video);
        await board.WaitForUploadStatusAsync("harbour.mp4", "duplicate");
        await board.Upload("harbour.mp4").GetByTestId("drop-copy").ClickAsync();
        await board.WaitForUploadStatusAsync("harbour.mp4", "dropped");
        await using (var db = await app.DbAsync())
        {
            Assert.Equal(2, await db.Videos.CountAsync());
            Assert.Equal(2, Directory.EnumerateFiles(Path.Combine(app.Storage.Root, "videos")).Count());
        }
    }

    [Fact]
    public async Task CancelOnTaskDetails_AsksFirst_AndItsMessageLeavesTheButtonsFree()
    {
        // Every frame sampled: the ingestion runs long enough to change one's mind twice.
        var app = Start(new() { ["Ingestion:FrameIntervalSeconds"] = "0.04" });
        var api = new SeedApiClient(app.CreateHttpClient());
        var upload = await SeedApiClient.ReadJsonAsync(await api.UploadAsync(
            await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 60, Width: 640, Height: 480, Audio: false), _temp.Combine("long-take.mp4"))));
        var taskId = upload["task_id"]!.GetValue<string>();
        var page = await (await browser.NewContextAsync(app.BaseAddress)).NewPageAsync();
        await new TaskDetailsPage(page).OpenAsync(taskId);
        await Assertions.Expect(page.GetByTestId("circuit")).ToHaveAttributeAsync("data-live", "true");
        await Assertions.Expect(page.GetByTestId("cancel-task")).ToBeEnabledAsync(new() { Timeout = 30_000 });

        await page.GetByTestId("cancel-task").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToContainTextAsync("Cancel this task?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Keep it running" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        Assert.Equal("in_progress", (await api.StatusAsync(taskId))["status"]!.GetValue<string>());

        await page.GetByTestId("cancel-task").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel task" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("task-error")).ToContainTextAsync($"cancelled by {VaasApp.AdminEmail}", new() { Timeout = 30_000 });
        var message = page.Locator(".mud-snackbar").First;
        await Assertions.Expect(message).ToBeVisibleAsync();
        var (messageBox, buttons) = (await message.BoundingBoxAsync(), await page.GetByTestId("rerun-task").BoundingBoxAsync());
        Assert.True(messageBox!.Y > buttons!.Y + buttons.Height, "the message covers the buttons at the top of the page");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "task-cancelled.png") });
    }

    private VaasApp Start(Dictionary<string, string?>? settings = null) => _app = VaasApp.Start(_temp.Combine("data"), settings);

    private async Task<BoardPage> OpenBoardAsync(VaasApp app, int width = 1600, int height = 1000)
    {
        var context = await browser.NewContextAsync(app.BaseAddress, width, height);
        var board = new BoardPage(await context.NewPageAsync());
        await board.OpenAsync();
        return board;
    }

    private static async Task<string> StoredSha256Async(VaasApp app, string name)
    {
        await using var db = await app.DbAsync();
        var stored = await db.Videos.SingleAsync(v => v.OriginalFileName == name);
        return Sha256(app.Storage.ToAbsolute(stored.StoredPath));
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _temp.Dispose();
    }
}
