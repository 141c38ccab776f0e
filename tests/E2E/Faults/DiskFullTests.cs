using System.Net;
using System.Security.Cryptography;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Faults;

/// <summary>The data directory is a small tmpfs that really fills up: uploads answer 507, tasks say "disk full".</summary>
public sealed class DiskFullTests : IAsyncLifetime
{
    /// <summary>A 700 KB video; its 200 frames at 1024×768 (one every 0.1 s) take about 5 MB.</summary>
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
                ["Ingestion:FrameIntervalSeconds"] = "0.1",
                // These tests are about the disk really filling up, past the guard (DiskGuardTests).
                ["Storage:MinFreeBytes"] = "0",
            });
            _http = _app.CreateHttpClient();
        }

        return Task.CompletedTask;
    }

    [SmallDiskFact]
    public async Task TusPatch_OnAFullDisk_Is507WithTheOffsetOnDisk_AndTheUploadResumesOnceThereIsRoom()
    {
        var video = await File.ReadAllBytesAsync(await TestMedia.VideoAsync(Video));
        var tus = new TusClient(_http);
        var url = await tus.CreateUrlAsync(video.Length, "big.mp4");
        _disk.Fill(leaveFreeBytes: 200_000);

        var full = await tus.PatchAsync(url, 0, video);
        var offset = TusClient.Offset(full);
        var part = Path.Combine(_app.Storage.IncomingDirectory, "resumable", url.Split('/')[^1] + ".part");

        Assert.Equal(HttpStatusCode.InsufficientStorage, full.StatusCode);
        Assert.Contains("resumes from Upload-Offset", await full.Content.ReadAsStringAsync());
        Assert.InRange(offset, 1, video.Length - 1);
        Assert.Equal(new FileInfo(part).Length, offset);

        _disk.Free();
        var head = await tus.HeadAsync(url);
        var resumed = await tus.PatchAsync(url, offset, video.AsMemory((int)offset));

        Assert.Equal(offset, TusClient.Offset(head));
        Assert.Equal(HttpStatusCode.NoContent, resumed.StatusCode);
        var stored = _app.Storage.ToAbsolute(resumed.Headers.GetValues("Vaas-Video-Path").Single());
        Assert.Equal(SHA256.HashData(video), SHA256.HashData(await File.ReadAllBytesAsync(stored)));
    }

    [SmallDiskFact]
    public async Task MultipartUpload_OnAFullDisk_Is507AndKeepsNothing()
    {
        var video = await TestMedia.CopyVideoAsync(Video, _temp.Combine("big.mp4"));
        _disk.Fill(leaveFreeBytes: 200_000);

        var response = await new SeedApiClient(_http).UploadAsync(video);

        Assert.Equal(HttpStatusCode.InsufficientStorage, response.StatusCode);
        Assert.Contains("out of disk space", await response.Content.ReadAsStringAsync());
        Assert.Empty(Directory.EnumerateFiles(_app.Storage.Root, "*", SearchOption.AllDirectories));
    }

    [SmallDiskFact]
    public async Task Ingestion_OnAFullDisk_FailsSayingTheDiskIsFull()
    {
        var api = new SeedApiClient(_http);
        var upload = await SeedApiClient.ReadJsonAsync(await api.UploadAsync(await TestMedia.CopyVideoAsync(Video, _temp.Combine("big.mp4"))));
        // Room for the database to record what happens, not for the frames.
        _disk.Fill(leaveFreeBytes: 1_500_000);

        var queued = await SeedApiClient.ReadJsonAsync(await api.ProcessAsync(upload["video_path"]!.GetValue<string>()));
        var status = await api.WaitForFinishAsync(queued["task_id"]!.GetValue<string>());

        Assert.Equal(("failed", "disk_full"), (status["status"]!.GetValue<string>(), status["error"]!["code"]!.GetValue<string>()));
        Assert.StartsWith("The disk is full: ffmpeg could not extract frames", status["error"]!["message"]!.GetValue<string>());
    }

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
