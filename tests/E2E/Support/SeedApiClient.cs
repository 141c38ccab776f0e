using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VaasWeb.Tests.E2E.Support;

/// <summary>Speaks the seed API the way a script would: raw JSON, snake_case, polling.</summary>
public sealed class SeedApiClient(HttpClient http)
{
    public HttpClient Http => http;

    public async Task<HttpResponseMessage> UploadAsync(string path, string? fileName = null)
    {
        using var form = new MultipartFormDataContent();
        var file = new StreamContent(File.OpenRead(path));
        file.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
        form.Add(file, "file", fileName ?? Path.GetFileName(path));
        return await http.PostAsync("/upload-video", form);
    }

    public Task<HttpResponseMessage> ProcessAsync(string videoPath) =>
        http.PostAsJsonAsync("/process-video", new Dictionary<string, string> { ["video_path"] = videoPath });

    public async Task<JsonObject> StatusAsync(string taskId)
    {
        var response = await http.GetAsync($"/task-status/{taskId}");
        return await ReadJsonAsync(response);
    }

    /// <summary>Polls like the seed's clients until the task is completed or failed.</summary>
    public async Task<JsonObject> WaitForFinishAsync(string taskId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (true)
        {
            var status = await StatusAsync(taskId);
            if (status["status"]!.GetValue<string>() is "completed" or "failed")
            {
                return status;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Task {taskId} is still {status["status"]} after the deadline: {status}");
            }

            await Task.Delay(200);
        }
    }

    public static async Task<JsonObject> ReadJsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())?.AsObject()
        ?? throw new JsonException($"Empty body with status {(int)response.StatusCode}");
}
