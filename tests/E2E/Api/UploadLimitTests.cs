using System.Net;
using System.Net.Http.Headers;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Api;

/// <summary>Settings that change the API's answers: the size limit and Ingestion:AutoStart.</summary>
public sealed class UploadLimitTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Upload_LargerThanTheLimit_Is413NamingTheLimitAndLeavesNothing(bool chunked)
    {
        await using var app = VaasApp.Start(_temp.Combine("data"), new Dictionary<string, string?> { ["Upload:MaxBytes"] = "50000" });
        using var http = app.CreateHttpClient();
        var video = await TestMedia.VideoAsync(new VideoSpec(Seconds: 10));
        using var form = new MultipartFormDataContent();
        // A stream that cannot say its length makes the client send the body chunked, so the server must count.
        HttpContent file = chunked ? new StreamContent(new UnknownLengthStream(File.OpenRead(video))) : new StreamContent(File.OpenRead(video));
        file.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
        form.Add(file, "file", "big.mp4");

        var response = await http.PostAsync("/upload-video", form);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var detail = (await SeedApiClient.ReadJsonAsync(response))["detail"]!.GetValue<string>();
        Assert.Contains("48.83 KiB limit (Upload:MaxBytes", detail);
        Assert.Empty(Directory.EnumerateFiles(app.Storage.IncomingDirectory));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(app.Storage.Root, "videos")));
    }

    [Fact]
    public async Task Upload_LimitPerRole_UploaderIsHeldToTheirsAndTheAdminIsNot()
    {
        await using var app = VaasApp.Start(_temp.Combine("data"), new Dictionary<string, string?>
        {
            ["Upload:MaxBytesByRole:Uploader"] = "50000",
            ["Ingestion:AutoStart"] = "false",
        });
        var video = await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 10), _temp.Combine("ten.mp4"));
        Assert.True(new FileInfo(video).Length > 50_000);
        var uploader = new SeedApiClient(app.CreateHttpClient(await app.ApiKeyForAsync(await app.CreateUserAsync(Processing.Accounts.Roles.Uploader))));
        using var tus = new HttpRequestMessage(HttpMethod.Post, "/uploads/tus");
        tus.Headers.Add("Tus-Resumable", "1.0.0");
        tus.Headers.Add("Upload-Length", new FileInfo(video).Length.ToString());

        var refused = await uploader.UploadAsync(video);
        var refusedTus = await uploader.Http.SendAsync(tus);
        var accepted = await new SeedApiClient(app.CreateHttpClient()).UploadAsync(video);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Contains("48.83 KiB limit", (await SeedApiClient.ReadJsonAsync(refused))["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refusedTus.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task Upload_WithAutoStartOff_StoresTheVideoAndReturnsNullTaskLikeTheSeed()
    {
        await using var app = VaasApp.Start(_temp.Combine("data"), new Dictionary<string, string?> { ["Ingestion:AutoStart"] = "false" });
        var api = new SeedApiClient(app.CreateHttpClient());

        var response = await api.UploadAsync(await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 2), _temp.Combine("x.mp4")));
        var body = await SeedApiClient.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(body.ContainsKey("task_id"));
        Assert.Null(body["task_id"]);
        Assert.True(File.Exists(app.Storage.ToAbsolute(body["video_path"]!.GetValue<string>())));
    }

    public void Dispose() => _temp.Dispose();

    private sealed class UnknownLengthStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
