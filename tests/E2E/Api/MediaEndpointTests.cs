using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Api;

/// <summary>/media serves stored videos and their outputs with range requests, and nothing else.</summary>
public sealed class MediaEndpointTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private VaasApp _app = null!;
    private HttpClient _http = null!;
    private string _videoPath = "";
    private byte[] _bytes = [];

    public async Task InitializeAsync()
    {
        _app = VaasApp.Start(_temp.Combine("data"), new Dictionary<string, string?> { ["Ingestion:AutoStart"] = "false" });
        _http = _app.CreateHttpClient();
        var source = await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 3), _temp.Combine("clip.mp4"));
        _bytes = await File.ReadAllBytesAsync(source);
        _videoPath = (await SeedApiClient.ReadJsonAsync(await new SeedApiClient(_http).UploadAsync(source)))["video_path"]!.GetValue<string>();
    }

    [Fact]
    public async Task Get_StoredVideo_IsServedWholeAsMp4AdvertisingRanges()
    {
        var response = await _http.GetAsync($"/media/{_videoPath}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("video/mp4", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("bytes", response.Headers.AcceptRanges.Single());
        Assert.Equal(_bytes, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Get_StoredVideo_NotesItWasOpened_ForRetention()
    {
        await using (var before = await _app.DbAsync())
        {
            Assert.Null((await before.Videos.SingleAsync()).LastOpenedAt);
        }

        var started = DateTimeOffset.UtcNow;
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync($"/media/{_videoPath}")).StatusCode);

        await using var db = await _app.DbAsync();
        Assert.InRange((await db.Videos.SingleAsync()).LastOpenedAt!.Value, started.AddSeconds(-1), DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task Get_WithRange_Is206WithExactlyThoseBytes()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/media/{_videoPath}");
        request.Headers.Range = new RangeHeaderValue(100, 1099);

        var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal($"bytes 100-1099/{_bytes.Length}", response.Content.Headers.ContentRange!.ToString());
        Assert.Equal(_bytes[100..1100], await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("/media/videos/../../vaas.db")]
    [InlineData("/media/videos/%2E%2E/%2E%2E/vaas.db")]
    [InlineData("/media/videos/..%2F..%2Fvaas.db")]
    [InlineData("/media/..%2F..%2Fvaas.db")]
    [InlineData("/media/.incoming/anything.part")]
    public async Task Get_PathThatTriesToLeaveTheRoot_NeverServesIt(string rawPath)
    {
        // Sent exactly as written: HttpClient would otherwise clean the dots away before the server saw them.
        var uri = new Uri(_app.BaseAddress + rawPath.TrimStart('/'), new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });

        var response = await _http.GetAsync(uri);

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{rawPath} answered {response.StatusCode}");
        Assert.DoesNotContain("SQLite format", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_MissingFile_Is404()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/media/videos/nothing.mp4")).StatusCode);
    }

    [Fact]
    public async Task Get_FileInTheRootThatIsNoKnownVideo_IsNotServed()
    {
        await File.WriteAllTextAsync(Path.Combine(_app.Storage.Root, "private.txt"), "not for the web");

        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/media/private.txt")).StatusCode);
    }

    [Fact]
    public async Task Get_LinkInsideTheRootPointingOutside_IsRefused()
    {
        await File.WriteAllTextAsync(_temp.Combine("secret.txt"), "secret");
        File.CreateSymbolicLink(Path.Combine(_app.Storage.Root, "videos", "escape.mp4"), _temp.Combine("secret.txt"));

        Assert.Equal(HttpStatusCode.BadRequest, (await _http.GetAsync("/media/videos/escape.mp4")).StatusCode);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        _temp.Dispose();
    }
}
