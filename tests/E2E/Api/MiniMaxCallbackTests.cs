using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using global::MiniMax.Emulator;
using Microsoft.AspNetCore.Builder;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Api;

/// <summary>
/// MiniMax calling back (<c>MiniMax:CallbackBaseUrl</c>): the emulator over real HTTP sends the challenge and the
/// status changes to the real app, whose polling (every 10 s here) stays the safety net.
/// </summary>
public sealed class MiniMaxCallbackTests : IAsyncLifetime
{
    private const int PollIntervalSeconds = 10;

    private readonly TempDirectory _temp = new();
    private WebApplication _emulator = null!;
    private HttpClient _control = null!;
    private VaasApp _app = null!;
    private SeedApiClient _api = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorApp.StartAsync("--Emulator:PreparingSeconds=0.2", "--Emulator:QueueingSeconds=0.3", "--Emulator:ProcessingSeconds=0.3",
            "--Emulator:RenderWidth=160", $"--Emulator:DataDirectory={_temp.Combine("emulator")}");
        _control = new HttpClient { BaseAddress = EmulatorApp.AddressOf(_emulator) };
        var port = VaasApp.FreePort();
        _app = VaasApp.Start(_temp.Combine("data"), new Dictionary<string, string?>
        {
            ["MiniMax:BaseUrl"] = EmulatorApp.AddressOf(_emulator).ToString(),
            ["MiniMax:ApiKey"] = "emulator-key",
            ["MiniMax:PollIntervalSeconds"] = PollIntervalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["MiniMax:IngestResults"] = "false",
            ["MiniMax:CallbackBaseUrl"] = $"http://127.0.0.1:{port}",
        }, port);
        _api = new SeedApiClient(_app.CreateHttpClient());
    }

    [Fact]
    public async Task EmulatorCallsBack_ChallengeEchoed_GenerationCompletesBeforeTheFirstPoll()
    {
        var taskId = await SubmitAsync("A paper boat crosses a puddle after the rain");

        var finished = await _api.WaitForFinishAsync(taskId, TimeSpan.FromSeconds(60));

        Assert.Equal("completed", finished["status"]!.GetValue<string>());
        var miniMaxTaskId = await MiniMaxTaskIdAsync(taskId);
        // Done by the callbacks alone: the first poll would have been 10 s after the submit.
        Assert.Empty(await RequestsAsync("query", miniMaxTaskId));
        Assert.Single(await RequestsAsync("retrieve"));
        var callbacks = await CallbacksAsync(miniMaxTaskId);
        var challenge = callbacks.First();
        Assert.Equal(("challenge", 200, true), (challenge["kind"]!.GetValue<string>(), challenge["http_status"]!.GetValue<int>(), challenge["echoed"]!.GetValue<bool>()));
        var statuses = callbacks.Skip(1).Select(c => (c["status"]!.GetValue<string>(), c["http_status"]!.GetValue<int>())).ToList();
        Assert.Equal(("Success", 200), statuses[^1]);
        Assert.All(statuses, s => Assert.Equal(200, s.Item2));
        // The URL MiniMax was given names this task, under the configured base, with its token.
        Assert.StartsWith($"{_app.BaseAddress.ToString().TrimEnd('/')}/api/minimax/callback/{Guid.Parse(taskId):N}?token=", challenge["url"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallbacksNeverCome_TheGenerationStillCompletesByPolling()
    {
        await PutSettingsAsync(new { send_callbacks = false });

        var taskId = await SubmitAsync("A lighthouse keeper waits for a letter");
        var finished = await _api.WaitForFinishAsync(taskId, TimeSpan.FromSeconds(60));

        Assert.Equal("completed", finished["status"]!.GetValue<string>());
        var miniMaxTaskId = await MiniMaxTaskIdAsync(taskId);
        Assert.Empty(await CallbacksAsync(miniMaxTaskId));
        Assert.NotEmpty(await RequestsAsync("query", miniMaxTaskId));
    }

    [Fact]
    public async Task MiniMaxFailsIt_TheFailCallbackEndsTheTaskWithMiniMaxsReason_BeforeAnyPoll()
    {
        await PutSettingsAsync(new { queueing_seconds = 60 });
        var taskId = await SubmitAsync("A kite over a field of sunflowers");
        var miniMaxTaskId = await WaitForMiniMaxTaskIdAsync(taskId);

        var fail = await _control.PostAsJsonAsync($"/control/tasks/{miniMaxTaskId}/fail", new { code = 1026, message = "input new_sensitive" });
        Assert.Equal(HttpStatusCode.OK, fail.StatusCode);
        var finished = await _api.WaitForFinishAsync(taskId, TimeSpan.FromSeconds(PollIntervalSeconds - 2));

        Assert.Equal("failed", finished["status"]!.GetValue<string>());
        Assert.Contains("sensitive", finished["error"]!.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        Assert.Empty(await RequestsAsync("query", miniMaxTaskId));
        Assert.Empty(await RequestsAsync("retrieve"));
    }

    [Fact]
    public async Task ForgedCallbacks_UnknownTaskWrongTokenOrAnotherMiniMaxTask_Are404AndChangeNothing()
    {
        await PutSettingsAsync(new { queueing_seconds = 4 });
        var taskId = await SubmitAsync("Snow settles on a quiet railway platform");
        var miniMaxTaskId = await WaitForMiniMaxTaskIdAsync(taskId);
        var genuineUrl = (await CallbacksAsync(miniMaxTaskId)).First()["url"]!.GetValue<string>();
        using var outsider = new HttpClient { BaseAddress = _app.BaseAddress };
        var success = new { task_id = miniMaxTaskId, status = "Success", file_id = "999", base_resp = new { status_code = 0, status_msg = "success" } };

        var unknown = await outsider.PostAsJsonAsync($"/api/minimax/callback/{Guid.NewGuid():N}?token=made-up", success);
        var wrongToken = await outsider.PostAsJsonAsync($"/api/minimax/callback/{Guid.Parse(taskId):N}?token=made-up", success);
        var noToken = await outsider.PostAsJsonAsync($"/api/minimax/callback/{Guid.Parse(taskId):N}", new { challenge = "x" });
        var otherTask = await outsider.PostAsJsonAsync(genuineUrl, new { task_id = "1", status = "Fail", base_resp = new { status_code = 1026, status_msg = "forged" } });
        var notAnUpdate = await outsider.PostAsync(genuineUrl, new StringContent("{\"task_id\": \"" + miniMaxTaskId + "\"}", System.Text.Encoding.UTF8, "application/json"));

        foreach (var refused in new[] { unknown, wrongToken, noToken, otherTask })
        {
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
            Assert.Equal("No generation is waiting for this callback.", (await SeedApiClient.ReadJsonAsync(refused))["detail"]!.GetValue<string>());
        }

        Assert.Equal(HttpStatusCode.BadRequest, notAnUpdate.StatusCode);
        Assert.Contains("not a MiniMax status update", (await SeedApiClient.ReadJsonAsync(notAnUpdate))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var meanwhile = await SeedApiClient.ReadJsonAsync(await _api.Http.GetAsync($"/api/generations/{taskId}"));
        Assert.Equal("generating", meanwhile["phase"]!.GetValue<string>());
        Assert.Empty(await RequestsAsync("retrieve"));

        // The genuine callbacks still finish it, with MiniMax's own file; a late copy of one is answered, and ignored.
        var finished = await _api.WaitForFinishAsync(taskId, TimeSpan.FromSeconds(60));
        Assert.Equal("completed", finished["status"]!.GetValue<string>());
        var late = await outsider.PostAsJsonAsync(genuineUrl, success);
        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        Assert.False((await SeedApiClient.ReadJsonAsync(late))["accepted"]!.GetValue<bool>());
        Assert.Single(await RequestsAsync("retrieve"));
    }

    private async Task<string> SubmitAsync(string prompt)
    {
        var response = await _api.Http.PostAsJsonAsync("/api/generations", new { prompt, model = "MiniMax-Hailuo-02", duration = 6, resolution = "512P" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await SeedApiClient.ReadJsonAsync(response))["task_id"]!.GetValue<string>();
    }

    private async Task<string> MiniMaxTaskIdAsync(string taskId) =>
        (await SeedApiClient.ReadJsonAsync(await _api.Http.GetAsync($"/api/generations/{taskId}")))["minimax_task_id"]!.GetValue<string>();

    private async Task<string> WaitForMiniMaxTaskIdAsync(string taskId)
    {
        string? id = null;
        await Eventually.TrueAsync(() =>
        {
            var generation = SeedApiClient.ReadJsonAsync(_api.Http.GetAsync($"/api/generations/{taskId}").GetAwaiter().GetResult()).GetAwaiter().GetResult();
            id = generation["minimax_task_id"]?.GetValue<string>();
            return id is not null;
        }, "MiniMax accepted the generation", TimeSpan.FromSeconds(20));
        // The challenge is sent as the submit is answered; wait until it was echoed.
        await Eventually.TrueAsync(async () => (await CallbacksAsync(id!)).Count > 0, "the challenge was sent", TimeSpan.FromSeconds(10));
        return id!;
    }

    private async Task PutSettingsAsync(object patch) =>
        Assert.Equal(HttpStatusCode.OK, (await _control.PutAsJsonAsync("/control/settings", patch)).StatusCode);

    private async Task<List<JsonNode>> RequestsAsync(string endpoint, string? miniMaxTaskId = null) =>
        [.. JsonNode.Parse(await _control.GetStringAsync($"/control/requests?endpoint={endpoint}" + (miniMaxTaskId is null ? "" : $"&task_id={miniMaxTaskId}")))!.AsArray().Select(node => node!)];

    private async Task<List<JsonNode>> CallbacksAsync(string miniMaxTaskId) =>
        [.. JsonNode.Parse(await _control.GetStringAsync($"/control/callbacks?task_id={miniMaxTaskId}"))!.AsArray().Select(node => node!)];

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _control.Dispose();
        await _emulator.DisposeAsync();
        _temp.Dispose();
    }
}
