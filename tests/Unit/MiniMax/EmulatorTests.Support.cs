using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using global::MiniMax.Emulator;
using Microsoft.AspNetCore.Builder;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.MiniMax.Emulator;

/// <summary>
/// The MiniMax emulator over real HTTP, with plain HttpClient and JSON (as a client that knows only the contract).
/// Each test gets its own emulator on a free loopback port; this part holds the setup and the small helpers.
/// </summary>
public sealed partial class EmulatorTests : IAsyncLifetime
{
    private const string ApiKey = "emulator-key";
    private const string FoxPrompt = "A red fox runs across a snowy field at dawn, the camera tracking low and fast beside it";

    private readonly TempDirectory _folder = new("minimax-emulator-tests");
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _app = await EmulatorApp.StartAsync();
        _http = NewClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _folder.Dispose();
    }

    /// <summary>A client of its own (its own connections), with the emulator's key unless told otherwise.</summary>
    private HttpClient NewClient(string? apiKey = ApiKey, TimeSpan? timeout = null)
    {
        var client = new HttpClient { BaseAddress = EmulatorApp.AddressOf(_app), Timeout = timeout ?? TimeSpan.FromSeconds(30) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return client;
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        Assert.Equal(200, (int)response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private async Task<JsonElement> PostAsync(string path, object body, HttpClient? client = null) =>
        await JsonAsync(await (client ?? _http).PostAsJsonAsync(path, body));

    private async Task<JsonElement> GetAsync(string path, HttpClient? client = null) =>
        await JsonAsync(await (client ?? _http).GetAsync(path));

    private async Task SetAsync(object settings) =>
        (await _http.PutAsJsonAsync("/control/settings", settings)).EnsureSuccessStatusCode();

    private Task FastPhasesAsync(double seconds = 0.2) =>
        SetAsync(new { preparing_seconds = seconds, queueing_seconds = seconds, processing_seconds = seconds, render_width = 480 });

    private async Task<string> AddFaultAsync(object fault)
    {
        var response = await _http.PostAsJsonAsync("/control/faults", fault);
        Assert.Equal(201, (int)response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private async Task<JsonElement[]> RequestsAsync(string query = "") =>
        [.. (await _http.GetFromJsonAsync<JsonElement>($"/control/requests{query}")).EnumerateArray()];

    private async Task<string> SubmitAsync(object? request = null)
    {
        var answer = await PostAsync("/v1/video_generation", request ?? new { model = "MiniMax-Hailuo-2.3", prompt = FoxPrompt, duration = 6, resolution = "768P" });
        AssertSuccess(answer);
        return answer.GetProperty("task_id").GetString()!;
    }

    private Task<JsonElement> QueryAsync(string taskId, HttpClient? client = null) =>
        GetAsync($"/v1/query/video_generation?task_id={taskId}", client);

    /// <summary>Polls until the task is no longer running; the emulator runs on short phases in these tests.</summary>
    private async Task<JsonElement> WaitUntilDoneAsync(string taskId)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var answer = await QueryAsync(taskId);
            if (answer.GetProperty("status").GetString() is "Success" or "Fail" || deadline.Elapsed > TimeSpan.FromSeconds(10))
            {
                return answer;
            }

            await Task.Delay(50);
        }
    }

    private async Task<string> FinishedFileIdAsync(object? request = null)
    {
        var done = await WaitUntilDoneAsync(await SubmitAsync(request));
        Assert.Equal("Success", done.GetProperty("status").GetString());
        return done.GetProperty("file_id").GetString()!;
    }

    /// <summary>Waits for the log entry of a request that is still being answered (a slow fault) to get its status.</summary>
    private async Task<JsonElement> AnsweredRequestAsync(string endpoint)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var entry = (await RequestsAsync($"?endpoint={endpoint}")).Last();
            if (entry.TryGetProperty("status", out _) || deadline.Elapsed > TimeSpan.FromSeconds(10))
            {
                return entry;
            }

            await Task.Delay(50);
        }
    }

    private static void AssertSuccess(JsonElement answer) => AssertBaseResp(answer, 0);

    private static void AssertBaseResp(JsonElement answer, int code, string? message = null)
    {
        var baseResp = answer.GetProperty("base_resp");
        Assert.Equal(code, baseResp.GetProperty("status_code").GetInt32());
        if (message is not null)
        {
            Assert.Equal(message, baseResp.GetProperty("status_msg").GetString());
        }
    }

    private async Task<string> DownloadAsync(string url, string name)
    {
        using var plain = new HttpClient();
        var response = await plain.GetAsync(url);
        Assert.Equal(200, (int)response.StatusCode);
        var path = _folder.Combine(name);
        await File.WriteAllBytesAsync(path, await response.Content.ReadAsByteArrayAsync());
        return path;
    }

    private async Task<string> PngDataUrlAsync()
    {
        var png = _folder.Combine("first-frame.png");
        await TestMedia.RunFfmpegAsync(["-v", "error", "-y", "-f", "lavfi", "-i", "color=c=red:s=300x400", "-frames:v", "1", png]);
        return "data:image/png;base64," + Convert.ToBase64String(await File.ReadAllBytesAsync(png));
    }

    /// <summary>ffprobe's answer for one stream type: "h264", "mp3"…, or empty when the file has no such stream.</summary>
    private static async Task<string> CodecAsync(string path, string streamType)
    {
        var start = new ProcessStartInfo("ffprobe") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-v", "error", "-select_streams", streamType, "-show_entries", "stream=codec_name", "-of", "csv=p=0", path })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        return output.Trim();
    }
}
