using System.Net;
using System.Net.Http.Json;
using global::MiniMax.Emulator;
using Microsoft.AspNetCore.Builder;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Api;

/// <summary>The generation API as a script uses it, against the real app and the MiniMax emulator.</summary>
public sealed class GenerationApiTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private WebApplication _emulator = null!;
    private VaasApp _app = null!;
    private SeedApiClient _api = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorApp.StartAsync("--Emulator:PreparingSeconds=0.2", "--Emulator:QueueingSeconds=0.2", "--Emulator:ProcessingSeconds=0.2",
            "--Emulator:RenderWidth=160", $"--Emulator:DataDirectory={_temp.Combine("emulator")}");
        _app = VaasApp.Start(_temp.Combine("data"), new Dictionary<string, string?>
        {
            ["MiniMax:BaseUrl"] = EmulatorApp.AddressOf(_emulator).ToString(),
            ["MiniMax:ApiKey"] = "emulator-key",
            ["MiniMax:PollIntervalSeconds"] = "5",
            ["MiniMax:IngestResults"] = "false",
        });
        _api = new SeedApiClient(_app.CreateHttpClient());
    }

    [Fact]
    public async Task Post_WithAFirstFrame_Accepted_ThenCompletedWithTheStoredVideo()
    {
        var still = _temp.Combine("first.png");
        await TestMedia.RunFfmpegAsync(["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=640x360", "-frames:v", "1", still]);
        var dataUrl = "data:image/png;base64," + Convert.ToBase64String(await File.ReadAllBytesAsync(still));

        var response = await _api.Http.PostAsJsonAsync("/api/generations", new
        {
            prompt = "The test pattern slowly dissolves into falling snow",
            model = "MiniMax-Hailuo-02",
            duration = 6,
            resolution = "512P",
            first_frame = dataUrl,
        });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await SeedApiClient.ReadJsonAsync(response);
        var taskId = accepted["task_id"]!.GetValue<string>();
        Assert.Equal($"/api/generations/{taskId}", accepted["status_url"]!.GetValue<string>());
        // The seed's status endpoint follows generations too.
        var finished = await _api.WaitForFinishAsync(taskId, TimeSpan.FromSeconds(60));
        Assert.Equal("completed", finished["status"]!.GetValue<string>());

        var generation = await SeedApiClient.ReadJsonAsync(await _api.Http.GetAsync($"/api/generations/{taskId}"));
        Assert.Equal("done", generation["phase"]!.GetValue<string>());
        Assert.Equal("Success", generation["minimax_status"]!.GetValue<string>());
        Assert.Equal("512P", generation["resolution"]!.GetValue<string>());
        var videoId = generation["video_id"]!.GetValue<string>();
        Assert.Equal(videoId, generation["task"]!["video_id"]!.GetValue<string>());
        // The first frame that was sent is kept with the request and served.
        var firstFrame = await _api.Http.GetAsync(generation["first_frame_url"]!.GetValue<string>());
        Assert.Equal("image/jpeg", firstFrame.Content.Headers.ContentType?.MediaType);
        var media = await _api.Http.GetAsync($"/videos/{videoId}");
        Assert.Equal(HttpStatusCode.OK, media.StatusCode);
    }

    [Fact]
    public async Task Post_SomethingMiniMaxWouldRefuse_400WithEveryProblemAndNothingStored()
    {
        var response = await _api.Http.PostAsJsonAsync("/api/generations", new { prompt = "", model = "T2V-01", duration = 10, resolution = "1080P" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await SeedApiClient.ReadJsonAsync(response);
        var detail = problem["detail"]!.GetValue<string>();
        Assert.Contains("prompt is required", detail, StringComparison.Ordinal);
        Assert.Contains("1080P", detail, StringComparison.Ordinal);
        var tasks = await _api.Http.GetFromJsonAsync<List<object>>("/api/tasks");
        Assert.Empty(tasks!);
    }

    [Fact]
    public async Task Post_FirstFrameThatIsNotAPicture_400SayingSo()
    {
        var response = await _api.Http.PostAsJsonAsync("/api/generations", new
        {
            prompt = "anything",
            first_frame = "data:image/png;base64," + Convert.ToBase64String("this is not a picture"u8.ToArray()),
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("first frame", (await SeedApiClient.ReadJsonAsync(response))["detail"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Empty((await _api.Http.GetFromJsonAsync<List<object>>("/api/tasks"))!);
    }

    [Fact]
    public async Task Voices_ListsMiniMaxsVoices()
    {
        var voices = await _api.Http.GetFromJsonAsync<List<Dictionary<string, object>>>("/api/generations/voices");

        Assert.Contains(voices!, v => v["voice_id"].ToString() == "English_expressive_narrator");
    }

    [Fact]
    public async Task Get_UnknownGeneration_404LikeTheSeed()
    {
        var id = Guid.NewGuid();
        var response = await _api.Http.GetAsync($"/api/generations/{id}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not_found", (await SeedApiClient.ReadJsonAsync(response))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Post_NoKeyConfigured_503SayingWhatToSet()
    {
        await using var keyless = VaasApp.Start(_temp.Combine("keyless"));
        using var http = keyless.CreateHttpClient();

        var response = await http.PostAsJsonAsync("/api/generations", new { prompt = "a fox" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("MiniMax__ApiKey", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _emulator.StopAsync();
        await _emulator.DisposeAsync();
        _temp.Dispose();
    }
}
