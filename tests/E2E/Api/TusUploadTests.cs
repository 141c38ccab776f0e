using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Api;

/// <summary>The tus 1.0 server (core, creation, termination, expiration) on a real port.</summary>
public sealed class TusUploadTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private VaasApp _app = null!;
    private TusClient _tus = null!;
    private HttpClient _http = null!;

    public Task InitializeAsync()
    {
        _app = VaasApp.Start(_temp.Combine("data"), new Dictionary<string, string?> { ["Upload:MaxBytes"] = "20000000" });
        _http = _app.CreateHttpClient();
        _tus = new TusClient(_http);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Options_AdvertisesVersionExtensionsAndMaximumSize()
    {
        var response = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Options, TusClient.Endpoint));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("1.0.0", response.Headers.GetValues("Tus-Version").Single());
        Assert.Equal("creation,termination,expiration", response.Headers.GetValues("Tus-Extension").Single());
        Assert.Equal("20000000", response.Headers.GetValues("Tus-Max-Size").Single());
    }

    [Fact]
    public async Task AnotherUploader_CannotSeeContinueOrAbandonSomeoneElsesUpload()
    {
        var owner = new TusClient(_app.CreateHttpClient(await _app.ApiKeyForAsync(await _app.CreateUserAsync(Processing.Accounts.Roles.Uploader))));
        var other = new TusClient(_app.CreateHttpClient(await _app.ApiKeyForAsync(await _app.CreateUserAsync(Processing.Accounts.Roles.Uploader))));
        var url = await owner.CreateUrlAsync(1000, "mine.mp4");
        await owner.PatchAsync(url, 0, new byte[100]);

        var head = await other.HeadAsync(url);
        var patch = await other.PatchAsync(url, 100, new byte[100]);
        var delete = await other.DeleteAsync(url);

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound), (head.StatusCode, patch.StatusCode, delete.StatusCode));
        Assert.Equal(100, TusClient.Offset(await owner.HeadAsync(url)));
        Assert.Equal(100, TusClient.Offset(await _tus.HeadAsync(url)));
    }

    [Fact]
    public async Task Create_ThenUploadInThreePieces_ImportsTheVideoWithTheSameBytes()
    {
        var video = await File.ReadAllBytesAsync(await TestMedia.VideoAsync(new VideoSpec(Seconds: 4)));
        var created = await _tus.CreateAsync(video.Length, "three pieces.mp4");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.NotNull(created.Headers.GetValues("Upload-Expires").Single());
        var url = created.Headers.Location!.ToString();

        var third = video.Length / 3;
        var first = await _tus.PatchAsync(url, 0, video.AsMemory(0, third));
        var head = await _tus.HeadAsync(url);
        var second = await _tus.PatchAsync(url, third, video.AsMemory(third, third));
        var last = await _tus.PatchAsync(url, 2 * third, video.AsMemory(2 * third));

        Assert.Equal((HttpStatusCode.NoContent, third), (first.StatusCode, TusClient.Offset(first)));
        Assert.Equal((third, (long)video.Length), (TusClient.Offset(head), long.Parse(head.Headers.GetValues("Upload-Length").Single())));
        Assert.Equal(2 * third, TusClient.Offset(second));
        Assert.Equal(HttpStatusCode.NoContent, last.StatusCode);
        var taskId = last.Headers.GetValues("Vaas-Task-Id").Single();
        var videoPath = last.Headers.GetValues("Vaas-Video-Path").Single();
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(video)), Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(_app.Storage.ToAbsolute(videoPath)))));
        await using var db = await _app.DbAsync();
        var stored = await db.Videos.SingleAsync();
        Assert.Equal(("three pieces.mp4", Convert.ToHexStringLower(SHA256.HashData(video))), (stored.OriginalFileName, stored.Sha256));
        Assert.Equal("completed", (await new SeedApiClient(_http).WaitForFinishAsync(taskId))["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await _tus.HeadAsync(url)).StatusCode);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_app.Storage.IncomingDirectory, "resumable")));
    }

    [Fact]
    public async Task Patch_AtTheWrongOffset_Is409AndSaysWhereTheUploadStands()
    {
        var url = await _tus.CreateUrlAsync(100);
        await _tus.PatchAsync(url, 0, new byte[40]);

        var response = await _tus.PatchAsync(url, 10, new byte[10]);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(40, TusClient.Offset(response));
    }

    [Fact]
    public async Task Patch_MoreBytesThanTheLength_IsRefused()
    {
        var url = await _tus.CreateUrlAsync(10);

        var response = await _tus.PatchAsync(url, 0, new byte[11]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("more bytes than the upload's length", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Patch_WrongContentType_Is415()
    {
        var url = await _tus.CreateUrlAsync(10);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await _tus.PatchAsync(url, 0, new byte[5], "application/octet-stream")).StatusCode);
    }

    [Fact]
    public async Task Request_WithoutTusResumable_Is412NamingTheVersion()
    {
        var response = await _tus.CreateAsync(10, tusHeader: false);

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Equal("1.0.0", response.Headers.GetValues("Tus-Version").Single());
    }

    [Fact]
    public async Task Create_LargerThanTheLimit_Is413()
    {
        var response = await _tus.CreateAsync(20_000_001);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("Upload:MaxBytes", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Create_WithZeroLength_Is400SayingWhy()
    {
        var response = await _tus.CreateAsync(0);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Upload-Length must be above zero", await response.Content.ReadAsStringAsync());
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_app.Storage.IncomingDirectory, "resumable")));
    }

    [Theory]
    [InlineData("filename not*base64")]
    [InlineData("filename aGk=,filename aGk=")]
    [InlineData("filename aGk= x")]
    public async Task Create_WithMalformedMetadata_Is400AndKeepsNothing(string metadata)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, TusClient.Endpoint);
        request.Headers.Add("Tus-Resumable", "1.0.0");
        request.Headers.Add("Upload-Length", "100");
        request.Headers.TryAddWithoutValidation("Upload-Metadata", metadata);

        var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("base64-encoded value", await response.Content.ReadAsStringAsync());
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_app.Storage.IncomingDirectory, "resumable")));
    }

    [Fact]
    public async Task Create_WithoutLength_Is400()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, TusClient.Endpoint);
        request.Headers.Add("Tus-Resumable", "1.0.0");

        var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Delete_Terminates_AndTheUploadIsGone()
    {
        var url = await _tus.CreateUrlAsync(100);
        await _tus.PatchAsync(url, 0, new byte[30]);

        var deleted = await _tus.DeleteAsync(url);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _tus.HeadAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _tus.PatchAsync(url, 30, new byte[5])).StatusCode);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_app.Storage.IncomingDirectory, "resumable")));
    }

    [Fact]
    public async Task LastPatch_OfAFileThatIsNotAVideo_Is415AndNothingIsKept()
    {
        var text = Encoding.UTF8.GetBytes("just some notes, not a video at all");
        var url = await _tus.CreateUrlAsync(text.Length, "notes.mp4");

        var response = await _tus.PatchAsync(url, 0, text);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("not a video", await response.Content.ReadAsStringAsync());
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_app.Storage.IncomingDirectory, "resumable")));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_app.Storage.Root, "videos")));
        await using var db = await _app.DbAsync();
        Assert.Equal(0, await db.Videos.CountAsync());
    }

    [Fact]
    public async Task Connection_CutMidPatch_KeepsWhatReachedTheDiskAndTheUploadResumesFromThere()
    {
        var video = await File.ReadAllBytesAsync(await TestMedia.VideoAsync(new VideoSpec(Seconds: 6)));
        var url = await _tus.CreateUrlAsync(video.Length, "cut.mp4");
        var sent = video.Length / 2;
        long beforeCut = 0;
        using (var socket = new TcpClient())
        {
            await socket.ConnectAsync(_app.BaseAddress.Host, _app.BaseAddress.Port);
            var stream = socket.GetStream();
            var head = $"PATCH {url} HTTP/1.1\r\nHost: {_app.BaseAddress.Authority}\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\n{Processing.Accounts.ApiKeyService.HeaderName}: {_app.AdminApiKey}\r\n" +
                       $"Content-Type: application/offset+octet-stream\r\nContent-Length: {video.Length}\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            await stream.WriteAsync(video.AsMemory(0, sent));
            await stream.FlushAsync();
            // The first bytes are on disk while the request is still open...
            await WaitForAsync(() => Task.FromResult((beforeCut = new FileInfo(PartFile(url)).Length) > 0), () => "nothing written yet");
        }

        // ...and once the server has let go of the cut request (HEAD says 423 until then), the upload stands at
        // least there, and no further than what was sent.
        HttpResponseMessage status = null!;
        await WaitForAsync(async () => (status = await _tus.HeadAsync(url)).IsSuccessStatusCode && TusClient.Offset(status) >= beforeCut);
        var offset = TusClient.Offset(status);
        Assert.InRange(offset, beforeCut, sent);

        var resumed = await _tus.PatchAsync(url, offset, video.AsMemory((int)offset));

        Assert.Equal(HttpStatusCode.NoContent, resumed.StatusCode);
        var stored = _app.Storage.ToAbsolute(resumed.Headers.GetValues("Vaas-Video-Path").Single());
        Assert.Equal(SHA256.HashData(video), SHA256.HashData(await File.ReadAllBytesAsync(stored)));
    }

    private string PartFile(string url) => Path.Combine(_app.Storage.IncomingDirectory, "resumable", url.Split('/')[^1] + ".part");

    private static async Task WaitForAsync(Func<Task<bool>> condition, Func<string>? state = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"The condition did not become true in time: {state?.Invoke()}");
            await Task.Delay(50);
        }
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        _temp.Dispose();
    }
}
