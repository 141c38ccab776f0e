using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ModelContextProtocol.Client;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Mcp;

/// <summary>The tools at /mcp through the C# SDK's client, against the real app, a real ingestion and the MiniMax emulator.</summary>
[Collection(McpCollection.Name)]
public sealed class McpToolTests(McpAppFixture fixture)
{
    private static readonly string[] ReadOnlyTools =
        ["list_videos", "get_task_status", "search_videos", "get_video_clip_from_user_query", "get_video_clip_from_image", "ask_question_about_video", "query_video_generation", "get_video_chapters"];

    [Fact]
    public async Task ListTools_EveryToolWithADescriptionAndItsReadOnlyHint()
    {
        await using var client = await fixture.ConnectAsync();

        var tools = await client.ListToolsAsync();

        Assert.Equal(ReadOnlyTools.Append("process_video").Append("generate_video").Order(), tools.Select(t => t.Name).Order());
        Assert.All(tools, t => Assert.False(string.IsNullOrWhiteSpace(t.Description)));
        Assert.All(tools, t => Assert.Equal(ReadOnlyTools.Contains(t.Name), t.ProtocolTool.Annotations?.ReadOnlyHint == true));
        Assert.All(tools, t => Assert.NotNull(t.ProtocolTool.OutputSchema));
        Assert.StartsWith("PAID", tools.Single(t => t.Name == "generate_video").Description);
        var search = tools.Single(t => t.Name == "search_videos").JsonSchema;
        Assert.Equal(["query"], search.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task InitializeClient_OlderRevision_IsServedToo()
    {
        await using var client = await fixture.ConnectAsync(protocolVersion: "2025-11-25");

        var videos = (await client.CallToolAsync("list_videos")).Value();

        Assert.Equal("2025-11-25", client.NegotiatedProtocolVersion);
        Assert.Null(client.SessionId);
        Assert.Contains(videos.GetProperty("videos").EnumerateArray(), v => v.GetProperty("video_id").GetString() == fixture.VideoId);
    }

    [Fact]
    public async Task ListVideos_TheIngestedVideoWithItsStatus()
    {
        await using var client = await fixture.ConnectAsync();

        var video = (await client.CallToolAsync("list_videos")).Value().GetProperty("videos").EnumerateArray()
            .Single(v => v.GetProperty("video_id").GetString() == fixture.VideoId);

        Assert.Equal("completed", video.GetProperty("status").GetString());
        Assert.Equal(fixture.VideoPath, video.GetProperty("video_path").GetString());
        Assert.True(video.GetProperty("has_audio").GetBoolean());
    }

    [Fact]
    public async Task ProcessVideo_ByIdAndByPath_QueuesAndTheStatusFollowsIt()
    {
        await using var client = await fixture.ConnectAsync();

        var byId = (await client.CallToolAsync("process_video", Args(("video_id", fixture.VideoId)))).Value();
        var byPath = (await client.CallToolAsync("process_video", Args(("video_path", fixture.VideoPath)))).Value();
        var taskId = byId.GetProperty("task_id").GetString()!;
        var status = (await client.CallToolAsync("get_task_status", Args(("task_id", taskId)))).Value();

        Assert.Equal(fixture.VideoId, byId.GetProperty("video_id").GetString());
        // The second finds the first still queued or running: the same task, as /process-video answers.
        Assert.Equal(taskId, byPath.GetProperty("task_id").GetString());
        Assert.Equal("Task already enqueued for processing", byPath.GetProperty("message").GetString());
        Assert.Equal(taskId, status.GetProperty("task_id").GetString());
        Assert.Equal("ingestion", status.GetProperty("kind").GetString());
        await new SeedApiClient(fixture.App.CreateHttpClient()).WaitForFinishAsync(taskId, TimeSpan.FromMinutes(2));
    }

    [Fact]
    public async Task SearchVideos_SpokenPhrase_TheHitWithItsSpanSourceTextAndPlayUrl()
    {
        await using var client = await fixture.ConnectAsync();

        var hit = (await client.CallToolAsync("search_videos", Args(("query", "open the door"), ("video_id", fixture.VideoId), ("limit", 3))))
            .Value().GetProperty("hits")[0];

        Assert.Equal("speech", hit.GetProperty("source").GetString());
        Assert.InRange(hit.GetProperty("start").GetDouble(), 11.8, 12.6);
        Assert.True(hit.GetProperty("end").GetDouble() > hit.GetProperty("start").GetDouble());
        Assert.Contains("door", hit.GetProperty("text").GetString());
        var play = hit.GetProperty("play_url").GetString()!;
        Assert.StartsWith(new Uri(fixture.App.BaseAddress, $"/videos/{fixture.VideoId}?t=").ToString(), play);
    }

    [Fact]
    public async Task ClipFromUserQuery_TheSpeechChunkAroundTheWords_Plays()
    {
        await using var client = await fixture.ConnectAsync();

        var clip = (await client.CallToolAsync("get_video_clip_from_user_query", Args(("video_id", fixture.VideoId), ("user_query", "open the door")))).Value();

        Assert.Equal((9.0, 19.0), (clip.GetProperty("start").GetDouble(), clip.GetProperty("end").GetDouble()));
        using var http = fixture.App.CreateHttpClient();
        var media = await http.GetAsync(clip.GetProperty("url").GetString());
        Assert.Equal("video/mp4", media.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ClipFromImage_AFrameAsADataUrl_TheClipAroundThatMoment()
    {
        var still = await TestMedia.StillAsync(await TestMedia.TalkingVideoAsync(), 17, fixture.Combine($"still-{Guid.NewGuid():N}.jpg"));
        var dataUrl = "data:image/jpeg;base64," + Convert.ToBase64String(await File.ReadAllBytesAsync(still));
        await using var client = await fixture.ConnectAsync();

        var clip = (await client.CallToolAsync("get_video_clip_from_image", Args(("image", dataUrl)))).Value();

        Assert.Equal(17, clip.GetProperty("hit").GetProperty("start").GetDouble());
        Assert.InRange(17, clip.GetProperty("start").GetDouble(), clip.GetProperty("end").GetDouble());
        Assert.Equal(fixture.VideoId, clip.GetProperty("video_id").GetString());
    }

    [Fact]
    public async Task AskQuestion_WithoutAChatModel_TheBestExcerptsWithSecondsAndWhatToConfigure()
    {
        await using var client = await fixture.ConnectAsync();

        var answer = (await client.CallToolAsync("ask_question_about_video", Args(("video_id", fixture.VideoId), ("question", "When does someone open the door?")))).Value();

        Assert.Equal(JsonValueKind.Null, answer.GetProperty("answer").ValueKind);
        Assert.Contains("Intelligence:Chat:Endpoint", answer.GetProperty("note").GetString());
        var excerpt = answer.GetProperty("excerpts").EnumerateArray().First(e => e.GetProperty("text").GetString()!.Contains("door"));
        Assert.InRange(excerpt.GetProperty("start").GetDouble(), 9, 13);
        Assert.Contains(answer.GetProperty("citations").EnumerateArray(), c => c.GetProperty("seconds").GetDouble() == excerpt.GetProperty("start").GetDouble());
    }

    [Fact]
    public async Task GenerateVideo_WithNarration_ThenQuery_DoneWithTheStoredAndTheNarratedVideo()
    {
        await using var client = await fixture.ConnectAsync();

        var accepted = (await client.CallToolAsync("generate_video", Args(("prompt", "A paper boat drifts down a gutter"), ("model", "MiniMax-Hailuo-02"), ("duration", 6), ("resolution", "512P"),
            ("prompt_optimizer", false), ("narration", "The boat sails on."), ("voice_id", "English_expressive_narrator")))).Value();
        var taskId = accepted.GetProperty("task_id").GetString()!;
        await new SeedApiClient(fixture.App.CreateHttpClient()).WaitForFinishAsync(taskId, TimeSpan.FromSeconds(60));
        var generation = (await client.CallToolAsync("query_video_generation", Args(("task_id", taskId)))).Value();

        Assert.Equal("done", generation.GetProperty("phase").GetString());
        Assert.Equal("Success", generation.GetProperty("minimax_status").GetString());
        Assert.Equal(JsonValueKind.String, generation.GetProperty("video_id").ValueKind);
        Assert.Equal(JsonValueKind.String, generation.GetProperty("narrated_video_id").ValueKind);
        Assert.False(generation.GetProperty("prompt_optimizer").GetBoolean());
    }

    [Fact]
    public async Task ViewerKey_ProcessAndGenerate_RefusedWithTheRestSentence_ReadsWork()
    {
        await using var client = await fixture.ConnectAsync(fixture.ViewerKey);
        using var rest = fixture.App.CreateHttpClient(fixture.ViewerKey);
        var restRefusal = await rest.PostAsJsonAsync("/process-video", new { video_path = fixture.VideoPath });

        var process = (await client.CallToolAsync("process_video", Args(("video_id", fixture.VideoId)))).Error();
        var generate = (await client.CallToolAsync("generate_video", Args(("prompt", "anything")))).Error();
        var search = await client.CallToolAsync("search_videos", Args(("query", "door")));

        Assert.Equal(HttpStatusCode.Forbidden, restRefusal.StatusCode);
        Assert.Equal(Detail(await SeedApiClient.ReadJsonAsync(restRefusal)), process);
        Assert.Equal(process, generate);
        Assert.NotEqual(0, search.Value().GetProperty("hits").GetArrayLength());
    }

    [Fact]
    public async Task NoKey_401_AndGetOrDelete_405()
    {
        using var anonymous = fixture.App.CreateHttpClient(null);
        var initialize = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"x","version":"1"}}}""",
            Encoding.UTF8, "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = initialize };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");

        var response = await anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        // Stateless: no stream to open and no session to end.
        using var admin = fixture.App.CreateHttpClient();
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await admin.GetAsync("/mcp")).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await admin.DeleteAsync("/mcp")).StatusCode);
        await Assert.ThrowsAnyAsync<Exception>(async () => await (await fixture.ConnectAsync("not-a-key")).DisposeAsync());
    }

    [Fact]
    public async Task GetVideoChapters_AsTheRestEndpointGivesThem_WithAbsoluteLinks()
    {
        await using var client = await fixture.ConnectAsync();
        using var rest = fixture.App.CreateHttpClient();

        var chapters = (await client.CallToolAsync("get_video_chapters", Args(("video_id", fixture.VideoId)))).Value();
        var api = await SeedApiClient.ReadJsonAsync(await rest.GetAsync($"/api/videos/{fixture.VideoId}/chapters"));

        var expected = api["chapters"]!.AsArray();
        var got = chapters.GetProperty("chapters").EnumerateArray().ToArray();
        Assert.NotEmpty(got);
        Assert.Equal(expected.Select(c => (c!["start"]!.GetValue<double>(), c["title"]!.GetValue<string>())),
            got.Select(c => (c.GetProperty("start").GetDouble(), c.GetProperty("title").GetString()!)));
        Assert.All(got, c => Assert.StartsWith(fixture.App.BaseAddress.ToString().TrimEnd('/') + $"/videos/{fixture.VideoId}?t=", c.GetProperty("play_url").GetString()));
        Assert.EndsWith($"/api/videos/{fixture.VideoId}/chapters.vtt", chapters.GetProperty("webvtt_url").GetString());
    }

    [Fact]
    public async Task Errors_AreToolErrorsWithTheRestSentences()
    {
        await using var client = await fixture.ConnectAsync();
        using var rest = fixture.App.CreateHttpClient();
        var unknown = Guid.NewGuid().ToString();

        // Each pair: what the tool says, what the REST endpoint says for the same mistake.
        var pairs = new (string Tool, string Api)[]
        {
            ((await client.CallToolAsync("process_video", Args(("video_path", "../etc/passwd")))).Error(),
                Detail(await SeedApiClient.ReadJsonAsync(await rest.PostAsJsonAsync("/process-video", new { video_path = "../etc/passwd" })))),
            ((await client.CallToolAsync("process_video", Args(("video_path", "videos/missing.mp4")))).Error(),
                Detail(await SeedApiClient.ReadJsonAsync(await rest.PostAsJsonAsync("/process-video", new { video_path = "videos/missing.mp4" })))),
            ((await client.CallToolAsync("search_videos", Args(("query", new string('a', 501))))).Error(),
                Detail(await SeedApiClient.ReadJsonAsync(await rest.GetAsync($"/api/search?q={new string('a', 501)}")))),
            ((await client.CallToolAsync("generate_video", Args(("prompt", ""), ("model", "T2V-01"), ("duration", 10), ("resolution", "1080P")))).Error(),
                Detail(await SeedApiClient.ReadJsonAsync(await rest.PostAsJsonAsync("/api/generations", new { prompt = "", model = "T2V-01", duration = 10, resolution = "1080P" })))),
            ((await client.CallToolAsync("generate_video", Args(("prompt", "A lighthouse at dusk"), ("narration", "The lamp turns.")))).Error(),
                Detail(await SeedApiClient.ReadJsonAsync(await rest.PostAsJsonAsync("/api/generations", new { prompt = "A lighthouse at dusk", narration = new { text = "The lamp turns." } })))),
            ((await client.CallToolAsync("get_task_status", Args(("task_id", unknown)))).Error(),
                await (await rest.GetAsync($"/task-status/{unknown}")).Content.ReadAsStringAsync()),
            ((await client.CallToolAsync("get_video_chapters", Args(("video_id", unknown)))).Error(),
                Detail(await SeedApiClient.ReadJsonAsync(await rest.GetAsync($"/api/videos/{unknown}/chapters")))),
            ((await client.CallToolAsync("query_video_generation", Args(("task_id", unknown)))).Error(),
                await (await rest.GetAsync($"/api/generations/{unknown}")).Content.ReadAsStringAsync()),
        };

        Assert.All(pairs, pair => Assert.Equal(pair.Api, pair.Tool));
        var clip = (await client.CallToolAsync("get_video_clip_from_image", Args(("image", "data:image/png;base64," + Convert.ToBase64String("not a picture"u8.ToArray()))))).Error();
        Assert.DoesNotContain("error occurred", clip, StringComparison.OrdinalIgnoreCase);
    }

    private static Dictionary<string, object?> Args(params (string Name, object? Value)[] arguments) => arguments.ToDictionary(a => a.Name, a => a.Value);

    private static string Detail(System.Text.Json.Nodes.JsonObject problem) => problem["detail"]!.GetValue<string>();
}
