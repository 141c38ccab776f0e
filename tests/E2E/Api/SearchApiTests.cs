using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Api;

/// <summary>Search, picture search, clips and questions over REST, after a real ingestion.</summary>
public sealed class SearchApiTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private VaasApp _app = null!;
    private HttpClient _http = null!;
    private string _videoId = "";

    public async Task InitializeAsync()
    {
        _app = VaasApp.Start(_temp.Combine("data"));
        _http = _app.CreateHttpClient();
        var api = new SeedApiClient(_http);
        var upload = await SeedApiClient.ReadJsonAsync(await api.UploadAsync(await TestMedia.TalkingVideoAsync()));
        _videoId = upload["video_id"]!.GetValue<string>();
        await api.WaitForFinishAsync(upload["task_id"]!.GetValue<string>(), TimeSpan.FromMinutes(2));
    }

    [Fact]
    public async Task Search_SpokenPhrase_ReturnsTheHitWithItsTimeSourceAndPlayLink()
    {
        var body = JsonNode.Parse(await _http.GetStringAsync("/api/search?q=open%20the%20door"))!;

        var hit = body["hits"]![0]!;
        Assert.Equal("speech", hit["source"]!.GetValue<string>());
        Assert.InRange(hit["start"]!.GetValue<double>(), 11.8, 12.6);
        Assert.Equal((9.0, 19.0), (hit["clip_start"]!.GetValue<double>(), hit["clip_end"]!.GetValue<double>()));
        // Played from just before the word that matched, which may come seconds into the utterance.
        var moment = hit["moment"]!.GetValue<double>();
        Assert.InRange(moment, hit["start"]!.GetValue<double>(), hit["end"]!.GetValue<double>());
        Assert.Equal($"/videos/{_videoId}?t={moment.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)}", hit["play_url"]!.GetValue<string>());
        Assert.Contains("<mark>", hit["highlighted"]!.GetValue<string>());
    }

    [Fact]
    public async Task Subtitles_AreTheSpeechSegments_AsValidWebVttAndSrt_AndAnUnknownVideoIs404()
    {
        await using var db = await _app.DbAsync();
        var speech = db.TextSegments.Where(t => t.VideoId == Guid.Parse(_videoId) && t.Source == Processing.Search.TextSource.Speech).OrderBy(t => t.StartSeconds).ToList();
        Assert.NotEmpty(speech);

        var vtt = await _http.GetAsync($"/api/videos/{_videoId}/subtitles.vtt");
        var srt = await _http.GetAsync($"/api/videos/{_videoId}/subtitles.srt");

        Assert.Equal(("text/vtt", "application/x-subrip"), (vtt.Content.Headers.ContentType!.MediaType, srt.Content.Headers.ContentType!.MediaType));
        var cues = WebVttCheck.AssertValid(await vtt.Content.ReadAsStringAsync());
        Assert.Equal(Math.Round(speech[0].StartSeconds, 3), cues[0].Start);
        Assert.Equal(string.Join(' ', speech.Select(t => t.Text)).Split(' ', StringSplitOptions.RemoveEmptyEntries), cues.SelectMany(c => c.Lines).SelectMany(l => l.Split(' ')));
        Assert.Contains(cues, c => c.Start <= TestMedia.SpokenAtSeconds + 1 && c.End > TestMedia.SpokenAtSeconds);
        var numbered = (await srt.Content.ReadAsStringAsync()).Split("\r\n\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Enumerable.Range(1, cues.Count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), numbered.Select(b => b.Split("\r\n")[0]));
        Assert.Equal(cues.Select(c => TimeSpan.FromSeconds(c.Start).ToString(@"hh\:mm\:ss\,fff")), numbered.Select(b => b.Split("\r\n")[1][..12]));

        var missing = await _http.GetAsync($"/api/videos/{Guid.NewGuid()}/subtitles.vtt");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.StartsWith("There is no video", (await SeedApiClient.ReadJsonAsync(missing))["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Search_WithoutAQuery_Is400()
    {
        var response = await _http.GetAsync("/api/search");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("q=", (await SeedApiClient.ReadJsonAsync(response))["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task SearchImage_FrameFromTheVideo_FindsThatMoment()
    {
        var still = await TestMedia.StillAsync(await TestMedia.TalkingVideoAsync(), 17, _temp.Combine("still.jpg"));
        using var form = new MultipartFormDataContent();
        var file = new StreamContent(File.OpenRead(still));
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "file", "still.jpg");

        var body = await SeedApiClient.ReadJsonAsync(await _http.PostAsync("/api/search/image", form));

        Assert.Equal(17, body["hits"]![0]!["start"]!.GetValue<double>());
        Assert.Equal("picture", body["hits"]![0]!["source"]!.GetValue<string>());
    }

    [Fact]
    public async Task SearchImage_NotAPicture_Is415()
    {
        using var form = new MultipartFormDataContent { { new StringContent("not a picture"), "file", "x.png" } };

        var response = await _http.PostAsync("/api/search/image", form);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task Clip_ForASpeechHit_IsTheChunkAndPlays()
    {
        var response = await _http.PostAsJsonAsync("/api/clips", new { video_id = _videoId, source = "speech", start = 12.1, end = 13.5 });
        var clip = await SeedApiClient.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((9.0, 19.0), (clip["start"]!.GetValue<double>(), clip["end"]!.GetValue<double>()));
        var media = await _http.GetAsync(clip["url"]!.GetValue<string>());
        Assert.Equal("video/mp4", media.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Clip_ForAnUnknownVideo_Is404()
    {
        var response = await _http.PostAsJsonAsync("/api/clips", new { video_id = Guid.NewGuid(), source = "picture", start = 1 });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Ask_WithoutAChatModel_Is503SayingWhatToConfigure()
    {
        var response = await _http.PostAsJsonAsync($"/api/videos/{_videoId}/ask", new { question = "What is shown?" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("Intelligence:Chat:Endpoint", (await SeedApiClient.ReadJsonAsync(response))["detail"]!.GetValue<string>());
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        _temp.Dispose();
    }
}
