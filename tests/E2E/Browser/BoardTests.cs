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
