using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Api;

/// <summary>The seed's REST contract, end to end on a real port with real ffmpeg and a real SQLite file.</summary>
public sealed class SeedApiTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private VaasApp _app = null!;
    private SeedApiClient _api = null!;

    public Task InitializeAsync()
    {
        _app = VaasApp.Start(_temp.Combine("data"));
        _api = new SeedApiClient(_app.CreateHttpClient());
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Upload_ThenPoll_EndsCompletedWithFramesAndChunksOnDisk()
    {
        var source = await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 10), _temp.Combine("My Holiday.mp4"));

        var response = await _api.UploadAsync(source);
        var body = await SeedApiClient.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Video uploaded successfully", body["message"]!.GetValue<string>());
        var videoPath = body["video_path"]!.GetValue<string>();
        Assert.Matches("^videos/[0-9a-f]{32}\\.mp4$", videoPath);
        var status = await _api.WaitForFinishAsync(body["task_id"]!.GetValue<string>());
        Assert.Equal("completed", status["status"]!.GetValue<string>());
        Assert.Equal(100, status["progress"]!.GetValue<double>());
        Assert.Equal(1, status["attempt"]!.GetValue<int>());
        Assert.Null(status["error"]);
        Assert.Equal("ingestion", status["kind"]!.GetValue<string>());

        var derived = Path.Combine(_app.Storage.Root, "derived", Path.GetFileNameWithoutExtension(videoPath));
        Assert.Equal(10, Directory.GetFiles(Path.Combine(derived, "frames"), "*.jpg").Length);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(derived, "audio"), "*.wav").Length);
        Assert.Equal(Sha256(source), Sha256(_app.Storage.ToAbsolute(videoPath)));
    }

    [Fact]
    public async Task ProcessVideo_UploadedPath_QueuesANewTaskThatCompletes()
    {
        var upload = await SeedApiClient.ReadJsonAsync(await _api.UploadAsync(await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 3), _temp.Combine("a.mp4"))));
        await _api.WaitForFinishAsync(upload["task_id"]!.GetValue<string>());

        var response = await _api.ProcessAsync(upload["video_path"]!.GetValue<string>());
        var body = await SeedApiClient.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Task enqueued for processing", body["message"]!.GetValue<string>());
        Assert.NotEqual(upload["task_id"]!.GetValue<string>(), body["task_id"]!.GetValue<string>());
        Assert.Equal("completed", (await _api.WaitForFinishAsync(body["task_id"]!.GetValue<string>()))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task ProcessVideo_FileDroppedIntoTheMediaFolder_IsRegisteredAndIngested()
    {
        Directory.CreateDirectory(Path.Combine(_app.Storage.Root, "inbox"));
        await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 2), Path.Combine(_app.Storage.Root, "inbox", "dropped.mp4"));

        var response = await _api.ProcessAsync("inbox/dropped.mp4");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var status = await _api.WaitForFinishAsync((await SeedApiClient.ReadJsonAsync(response))["task_id"]!.GetValue<string>());
        Assert.Equal("completed", status["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task ProcessVideo_ManyRequestsForOneNewFileAtOnce_AllGetTheSameSingleTask()
    {
        Directory.CreateDirectory(Path.Combine(_app.Storage.Root, "inbox"));
        await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 2), Path.Combine(_app.Storage.Root, "inbox", "race.mp4"));

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _api.ProcessAsync("inbox/race.mp4")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var taskIds = new HashSet<string>();
        foreach (var response in responses)
        {
            taskIds.Add((await SeedApiClient.ReadJsonAsync(response))["task_id"]!.GetValue<string>());
        }

        Assert.Single(taskIds);
        await using var db = await _app.DbAsync();
        Assert.Equal(1, await db.Videos.CountAsync());
        Assert.Equal(1, await db.Tasks.CountAsync());
    }

    [Fact]
    public async Task TaskList_FiltersWithTheValuesTheApiWrites()
    {
        var upload = await SeedApiClient.ReadJsonAsync(await _api.UploadAsync(await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 2), _temp.Combine("f.mp4"))));
        await _api.WaitForFinishAsync(upload["task_id"]!.GetValue<string>());

        var completed = JsonNode.Parse(await _api.Http.GetStringAsync("/api/tasks?status=completed&kind=ingestion"))!.AsArray();
        var running = JsonNode.Parse(await _api.Http.GetStringAsync("/api/tasks?status=in_progress"))!.AsArray();
        var bad = await _api.Http.GetAsync("/api/tasks?status=done");

        Assert.Contains(completed, t => t!["task_id"]!.GetValue<string>() == upload["task_id"]!.GetValue<string>());
        Assert.Empty(running);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("pending, in_progress, completed, failed", (await SeedApiClient.ReadJsonAsync(bad))["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("../../etc/passwd", HttpStatusCode.BadRequest, "'..'")]
    [InlineData("/etc/passwd", HttpStatusCode.BadRequest, "inside the media root")]
    [InlineData("videos/missing.mp4", HttpStatusCode.NotFound, "No file at 'videos/missing.mp4'")]
    [InlineData("", HttpStatusCode.BadRequest, "video_path is required")]
    public async Task ProcessVideo_BadPath_SaysWhatIsWrong(string videoPath, HttpStatusCode expected, string detail)
    {
        var response = await _api.ProcessAsync(videoPath);

        Assert.Equal(expected, response.StatusCode);
        Assert.Contains(detail, (await SeedApiClient.ReadJsonAsync(response))["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task ProcessVideo_MalformedJson_Is400WithASentence()
    {
        var response = await _api.Http.PostAsync("/process-video", new StringContent("{video_path:", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("must be JSON like", (await SeedApiClient.ReadJsonAsync(response))["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task ProcessVideo_BodyThatIsNotJson_Is415SayingWhatWasSent()
    {
        var response = await _api.Http.PostAsync("/process-video", new StringContent("videos/a.mp4"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("text/plain", (await SeedApiClient.ReadJsonAsync(response))["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task ProcessVideo_NotAVideoInsideTheRoot_Is415()
    {
        TestMedia.TextFile(Path.Combine(_app.Storage.Root, "notes.mp4"));

        var response = await _api.ProcessAsync("notes.mp4");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task Upload_TextFileNamedMp4_Is415AndLeavesNothing()
    {
        var response = await _api.UploadAsync(TestMedia.TextFile(_temp.Combine("list.mp4")));
        var body = await SeedApiClient.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("not a video", body["detail"]!.GetValue<string>());
        Assert.DoesNotContain(_app.Storage.Root, body.ToJsonString());
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Upload_NotMultipart_Is415NamingTheExpectedType()
    {
        var response = await _api.Http.PostAsync("/upload-video", new StringContent("hello"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("multipart/form-data", (await SeedApiClient.ReadJsonAsync(response))["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task UnknownApiAddress_Is404WithAProblemDocument()
    {
        var response = await _api.Http.GetAsync("/api/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("There is nothing at /api/nothing-here.", (await SeedApiClient.ReadJsonAsync(response))["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Upload_FormWithoutFileField_Is400()
    {
        using var form = new MultipartFormDataContent { { new StringContent("x"), "note" } };

        var response = await _api.Http.PostAsync("/upload-video", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("no file field named 'file'", (await SeedApiClient.ReadJsonAsync(response))["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Upload_ConnectionCutHalfway_LeavesNoFileAndNoRow()
    {
        using (var socket = new TcpClient())
        {
            await socket.ConnectAsync(_app.BaseAddress.Host, _app.BaseAddress.Port);
            var stream = socket.GetStream();
            const string boundary = "cut-boundary";
            var head = $"POST /upload-video HTTP/1.1\r\nHost: {_app.BaseAddress.Authority}\r\n{Processing.Accounts.ApiKeyService.HeaderName}: {_app.AdminApiKey}\r\n" +
                       $"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: 4000000\r\n\r\n" +
                       $"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cut.mp4\"\r\nContent-Type: video/mp4\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            await stream.WriteAsync(new byte[1_000_000]);
            await stream.FlushAsync();
            await WaitUntilAsync(() => Directory.EnumerateFiles(_app.Storage.IncomingDirectory).Any());
        }

        await WaitUntilAsync(() => !Directory.EnumerateFiles(_app.Storage.IncomingDirectory).Any());
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task TaskStatus_UnknownId_IsTheSeedsNotFoundShape()
    {
        var response = await _api.Http.GetAsync("/task-status/no-such-task");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("""{"task_id":"no-such-task","status":"not_found"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Healthz_ReportsDatabaseFfmpegAndTheOfflineReaders()
    {
        var body = await SeedApiClient.ReadJsonAsync(await _api.Http.GetAsync("/healthz"));

        Assert.Equal("Healthy", body["status"]!.GetValue<string>());
        Assert.Equal("Healthy", body["checks"]!["database"]!["status"]!.GetValue<string>());
        Assert.StartsWith("ffmpeg version", body["checks"]!["ffmpeg"]!["description"]!.GetValue<string>());
        Assert.Equal("on-screen text by tesseract (eng), speech by pocketsphinx (en-us)", body["checks"]!["readers"]!["description"]!.GetValue<string>());
    }

    [Fact]
    public async Task OpenApi_DocumentAndBrowsableUi_AreServed()
    {
        var document = JsonNode.Parse(await _api.Http.GetStringAsync("/openapi/v1.json"))!;
        var ui = await _api.Http.GetAsync("/scalar/v1");

        foreach (var path in new[] { "/upload-video", "/process-video", "/task-status/{taskId}", "/api/tasks/{taskId}/cancel" })
        {
            Assert.NotNull(document["paths"]![path]);
        }

        Assert.Equal("binary", document["paths"]!["/upload-video"]!["post"]!["requestBody"]!["content"]!["multipart/form-data"]!["schema"]!["properties"]!["file"]!["format"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
        Assert.Equal("text/html", ui.Content.Headers.ContentType?.MediaType);
    }

    private async Task AssertNothingStoredAsync()
    {
        Assert.Empty(Directory.EnumerateFiles(_app.Storage.IncomingDirectory));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_app.Storage.Root, "videos")));
        await using var db = await _app.DbAsync();
        Assert.Equal(0, await db.Videos.CountAsync());
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not become true in time.");
            await Task.Delay(50);
        }
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _temp.Dispose();
    }
}
