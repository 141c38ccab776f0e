using System.Net.Http.Json;
using System.Text.Json;
using global::MiniMax.Emulator;
using global::MiniMax.Emulator.Media;
using Microsoft.Extensions.DependencyInjection;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.MiniMax.Emulator;

/// <summary>Video generation: submit, poll, retrieve, download, and what the emulator refuses.</summary>
public sealed partial class EmulatorTests
{
    [Fact]
    public async Task Query_WithShortPhases_AdvancesFromPreparingToSuccess()
    {
        // Long enough that one slow answer (a cold first query, a busy machine) cannot step over a whole phase.
        await FastPhasesAsync(1.0);
        var taskId = await SubmitAsync(new { model = "MiniMax-Hailuo-2.3", prompt = FoxPrompt, duration = 6, resolution = "1080P" });
        Assert.Matches("^[0-9]{15}$", taskId);

        var seen = new List<string>();
        JsonElement answer;
        do
        {
            answer = await QueryAsync(taskId);
            AssertSuccess(answer);
            var status = answer.GetProperty("status").GetString()!;
            if (seen.Count == 0 || seen[^1] != status)
            {
                seen.Add(status);
            }

            await Task.Delay(20);
        }
        while (seen[^1] != "Success" && seen.Count < 10);

        Assert.Equal(["Preparing", "Queueing", "Processing", "Success"], seen);
        Assert.Equal(taskId, answer.GetProperty("task_id").GetString());
        Assert.Matches("^[0-9]+$", answer.GetProperty("file_id").GetString());
        Assert.Equal(1920, answer.GetProperty("video_width").GetInt32());
        Assert.Equal(1080, answer.GetProperty("video_height").GetInt32());
    }

    [Fact]
    public async Task Query_WhileRunning_HasNoFileId()
    {
        var answer = await QueryAsync(await SubmitAsync());

        Assert.Equal("Preparing", answer.GetProperty("status").GetString());
        Assert.False(answer.TryGetProperty("file_id", out _));
    }

    [Fact]
    public async Task Download_FromRetrievedUrl_IsTheMp4RetrieveDescribes()
    {
        await FastPhasesAsync(0.05);
        var fileId = await FinishedFileIdAsync(new
        {
            model = "MiniMax-Hailuo-2.3-Fast", prompt = FoxPrompt, duration = 6, resolution = "768P", first_frame_image = await PngDataUrlAsync(),
        });

        var file = (await GetAsync($"/v1/files/retrieve?file_id={fileId}")).GetProperty("file");
        Assert.Equal(long.Parse(fileId), file.GetProperty("file_id").GetInt64());
        Assert.Equal("output_aigc.mp4", file.GetProperty("filename").GetString());
        Assert.Equal("video_generation", file.GetProperty("purpose").GetString());
        Assert.InRange(file.GetProperty("created_at").GetInt64(), DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var url = file.GetProperty("download_url").GetString()!;
        Assert.StartsWith($"{EmulatorApp.AddressOf(_app).ToString().TrimEnd('/')}/files/{fileId}/content?expires=", url);

        var video = await DownloadAsync(url, "video.mp4");

        Assert.Equal(file.GetProperty("bytes").GetInt64(), new FileInfo(video).Length);
        Assert.InRange(await TestMedia.DurationAsync(video), 5.9, 6.1);
        Assert.Equal("480x270", await TestMedia.PictureSizeAsync(video));
        Assert.Equal("h264", await CodecAsync(video, "v"));
        Assert.Equal("", await CodecAsync(video, "a"));
        var early = await File.ReadAllBytesAsync(await TestMedia.StillAsync(video, 0.5, _folder.Combine("early.png")));
        var late = await File.ReadAllBytesAsync(await TestMedia.StillAsync(video, 4, _folder.Combine("late.png")));
        Assert.NotEqual(early, late);
    }

    [Fact]
    public async Task Download_WithExpiredOrTamperedUrl_Returns403AndAFreshRetrieveWorks()
    {
        await FastPhasesAsync(0.05);
        var fileId = await FinishedFileIdAsync();
        await SetAsync(new { download_url_ttl_seconds = 0 });
        var expired = (await GetAsync($"/v1/files/retrieve?file_id={fileId}")).GetProperty("file").GetProperty("download_url").GetString()!;
        using var plain = new HttpClient();

        var refused = await plain.GetAsync(expired);
        await SetAsync(new { download_url_ttl_seconds = 3600 });
        var fresh = (await GetAsync($"/v1/files/retrieve?file_id={fileId}")).GetProperty("file").GetProperty("download_url").GetString()!;
        var tampered = await plain.GetAsync(fresh.Replace($"/files/{fileId}/", $"/files/{long.Parse(fileId) + 1}/"));

        Assert.Equal(403, (int)refused.StatusCode);
        Assert.Contains("expired", await refused.Content.ReadAsStringAsync());
        Assert.Equal(403, (int)tampered.StatusCode);
        Assert.NotEqual(expired, fresh);
        Assert.True(new FileInfo(await DownloadAsync(fresh, "fresh.mp4")).Length > 1000);
    }

    [Fact]
    public async Task Retrieve_ManyAtOnce_RendersTheVideoOnce()
    {
        await FastPhasesAsync(0.05);
        var fileId = await FinishedFileIdAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => GetAsync($"/v1/files/retrieve?file_id={fileId}")));

        Assert.Single(answers.Select(answer => answer.GetProperty("file").GetProperty("bytes").GetInt64()).Distinct());
        Assert.Equal(8, answers.Select(answer => answer.GetProperty("file").GetProperty("download_url").GetString()).Distinct().Count());
        var folder = _app.Services.GetRequiredService<WorkFolder>().Path;
        Assert.Single(Directory.GetFiles(folder, "*.mp4"));
    }

    public static TheoryData<string, string> InvalidSubmissions => new()
    {
        { """{"model":"MiniMax-Hailuo-2.3","prompt":"a fox","duration":8}""", "duration" },
        { """{"model":"MiniMax-Hailuo-2.3-Fast","prompt":"a fox","duration":6,"resolution":"768P"}""", "first_frame_image" },
        { """{"model":"MiniMax-Hailuo-2.3","prompt":"a fox","resolution":"512P"}""", "resolution" },
        { """{"model":"T2V-01","prompt":"a fox","resolution":"1080P"}""", "resolution" },
        { """{"model":"I2V-01","prompt":"a fox"}""", "first_frame_image" },
        { """{"model":"MiniMax-Hailuo-9","prompt":"a fox"}""", "model" },
        { """{"model":"MiniMax-Hailuo-02","prompt":"a fox","first_frame_image":"data:image/png;base64,@@not base64@@"}""", "first_frame_image" },
        { """{"model":"MiniMax-Hailuo-02","prompt":"a fox","first_frame_image":"data:image/png;base64,aGVsbG8="}""", "first_frame_image" },
        { $$"""{"model":"MiniMax-Hailuo-02","prompt":"{{new string('x', 2001)}}"}""", "prompt" },
        { """{"model":"MiniMax-Hailuo-02","duration":"six"}""", "JSON" },
    };

    [Theory]
    [MemberData(nameof(InvalidSubmissions))]
    public async Task Submit_InvalidRequest_Returns2013SayingWhatIsWrong(string body, string mentioned)
    {
        var answer = await JsonAsync(await _http.PostAsync("/v1/video_generation", new StringContent(body, System.Text.Encoding.UTF8, "application/json")));

        AssertBaseResp(answer, 2013);
        Assert.Contains(mentioned, answer.GetProperty("base_resp").GetProperty("status_msg").GetString());
        Assert.False(answer.TryGetProperty("task_id", out _));
    }

    [Fact]
    public async Task Submit_FastModelWithHttpsFirstFrame_IsAcceptedWithoutFetching()
    {
        var taskId = await SubmitAsync(new { model = "MiniMax-Hailuo-2.3-Fast", prompt = "a fox", first_frame_image = "https://example.invalid/fox.jpg" });

        Assert.Equal("Preparing", (await QueryAsync(taskId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Query_UnknownTask_Returns2013TaskNotFound()
    {
        AssertBaseResp(await QueryAsync("123456789012345"), 2013, "task not found");
    }

    [Theory]
    [InlineData("wrong-key")]
    [InlineData(null)]
    public async Task Submit_WithoutTheKey_Returns2049AndNothingElse(string? key)
    {
        using var stranger = NewClient(apiKey: key);

        var answer = await PostAsync("/v1/video_generation", new { model = "MiniMax-Hailuo-2.3", prompt = "a fox" }, stranger);

        AssertBaseResp(answer, 2049, "invalid api key");
        Assert.Equal(["base_resp"], answer.EnumerateObject().Select(property => property.Name));
        var logged = Assert.Single(await RequestsAsync());
        Assert.False(logged.GetProperty("authorized").GetBoolean());
        Assert.False(logged.TryGetProperty("task_id", out _));
    }

    [Fact]
    public async Task Query_AfterForcedFail_ReportsFailWithTheCode()
    {
        var defaulted = await SubmitAsync();
        var custom = await SubmitAsync();

        (await _http.PostAsync($"/control/tasks/{defaulted}/fail", null)).EnsureSuccessStatusCode();
        (await _http.PostAsJsonAsync($"/control/tasks/{custom}/fail", new { code = 1026, message = "input sensitive content" })).EnsureSuccessStatusCode();
        var unknown = await _http.PostAsJsonAsync("/control/tasks/1/fail", new { });

        var first = await QueryAsync(defaulted);
        Assert.Equal("Fail", first.GetProperty("status").GetString());
        Assert.Equal(defaulted, first.GetProperty("task_id").GetString());
        AssertBaseResp(first, 1027);
        var second = await QueryAsync(custom);
        Assert.Equal("Fail", second.GetProperty("status").GetString());
        AssertBaseResp(second, 1026, "input sensitive content");
        Assert.Equal(404, (int)unknown.StatusCode);
    }

    [Fact]
    public async Task Settings_FromConfigurationThenPartialPut_KeepTheOtherValues()
    {
        await using var configured = await EmulatorApp.StartAsync("--Emulator:PreparingSeconds=5", "--Emulator:RenderWidth=640");
        using var control = new HttpClient { BaseAddress = EmulatorApp.AddressOf(configured) };

        var put = await control.PutAsJsonAsync("/control/settings", new { queueing_seconds = 0.5 });
        var settings = await control.GetFromJsonAsync<JsonElement>("/control/settings");
        var invalid = await control.PutAsJsonAsync("/control/settings", new { processing_seconds = -1 });

        put.EnsureSuccessStatusCode();
        Assert.Equal(5, settings.GetProperty("preparing_seconds").GetDouble());
        Assert.Equal(0.5, settings.GetProperty("queueing_seconds").GetDouble());
        Assert.Equal(640, settings.GetProperty("render_width").GetInt32());
        Assert.True(settings.TryGetProperty("processing_seconds", out _));
        Assert.True(settings.TryGetProperty("download_url_ttl_seconds", out _));
        Assert.Equal(400, (int)invalid.StatusCode);
    }

    [Fact]
    public async Task Stop_DeletesTheWorkFolder()
    {
        var folder = _app.Services.GetRequiredService<WorkFolder>().Path;
        Assert.True(Directory.Exists(folder));

        await _app.StopAsync();

        Assert.False(Directory.Exists(folder));
    }
}
