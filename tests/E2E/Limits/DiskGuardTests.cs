using System.Net;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Limits;

/// <summary>
/// Storage:MinFreeBytes on a small tmpfs that really has the free space the guard reads: an upload whose declared
/// length would take the disk below the reserve is refused (507) on both upload paths before a byte is written,
/// although the file itself would still fit.
/// </summary>
public sealed class DiskGuardTests : IAsyncLifetime
{
    private const long Reserve = 6 * 1024 * 1024;
    private static readonly VideoSpec Video = new(Seconds: 20, Audio: false, Width: 1024, Height: 768);

    private readonly TempDirectory _temp = new();
    private SmallDisk _disk = null!;
    private VaasApp _app = null!;
    private HttpClient _http = null!;

    public Task InitializeAsync()
    {
        if (SmallDisk.CannotMount is null)
        {
            _disk = new SmallDisk(_temp.Combine("data"), megabytes: 16);
            _app = VaasApp.Start(_disk.Path, new Dictionary<string, string?>
            {
                ["Ingestion:AutoStart"] = "false",
                ["Storage:MinFreeBytes"] = Reserve.ToString(),
            });
            _http = _app.CreateHttpClient();
        }

        return Task.CompletedTask;
    }

    [SmallDiskFact]
    public async Task Uploads_ThatWouldLeaveLessThanMinFreeBytes_Are507OnBothPaths_AndKeepNothing()
    {
        var path = await TestMedia.CopyVideoAsync(Video, _temp.Combine("big.mp4"));
        var length = new FileInfo(path).Length;
        var api = new SeedApiClient(_http);
        var tus = new TusClient(_http);
        Assert.Equal(HttpStatusCode.OK, (await api.UploadAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await tus.CreateAsync(length)).StatusCode);
        var storedBefore = StoredFiles();

        // The file fits in what is free, but would leave less than the reserve.
        _disk.Fill(leaveFreeBytes: Reserve + length / 2);
        var multipart = await api.UploadAsync(path);
        var created = await tus.CreateAsync(length);

        Assert.Equal(HttpStatusCode.InsufficientStorage, multipart.StatusCode);
        var detail = (await SeedApiClient.ReadJsonAsync(multipart))["detail"]!.GetValue<string>();
        Assert.StartsWith("The server is short of disk space for this upload: it would leave ", detail);
        Assert.Contains("below the 6 MiB the server keeps (Storage:MinFreeBytes). Nothing was kept;", detail);
        Assert.Equal(HttpStatusCode.InsufficientStorage, created.StatusCode);
        Assert.Contains("(Storage:MinFreeBytes)", (await SeedApiClient.ReadJsonAsync(created))["detail"]!.GetValue<string>());
        Assert.Null(created.Headers.Location);
        Assert.Equal(storedBefore, StoredFiles());
        Assert.Empty(Directory.EnumerateFiles(_app.Storage.IncomingDirectory, "*.part"));
        Assert.Empty(_app.Logs.Errors);

        _disk.Free();
        Assert.Equal(HttpStatusCode.OK, (await api.UploadAsync(path)).StatusCode);
    }

    /// <summary>Every file under the media root (the database and the filler live beside it).</summary>
    private string[] StoredFiles() =>
        Directory.EnumerateFiles(_app.Storage.Root, "*", SearchOption.AllDirectories).Order().ToArray();

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            _http.Dispose();
            await _app.DisposeAsync();
            _disk.Dispose();
        }

        _temp.Dispose();
    }
}
