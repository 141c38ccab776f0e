using System.Net.Http.Json;
using global::MiniMax.Emulator;
using Microsoft.AspNetCore.Builder;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Browser;

/// <summary>
/// The app filled with what real use brings: file names longer than a card, 2,000-character generation prompts,
/// MiniMax refusing one (a long reason), a cancelled upload, one running ingestion with an estimate, one waiting,
/// and a finished one with speech and text to search. Made once for the tests that look at every page.
/// </summary>
public sealed class HardContentApp : IAsyncLifetime
{
    public static readonly string LongName =
        "holiday-in-the-mountains-with-the-whole-family-and-the-neighbours-children-summer-2026-the-long-walk-to-the-lake-final-cut-v3-really-final.mp4";

    public static readonly string RefusedPrompt = Prompt("A paper boat drifts down a rain-filled gutter past tiny glowing shop windows");

    public static readonly string MadePrompt = Prompt("A lighthouse keeper climbs the spiral stairs at dawn while gulls circle the lamp");

    private readonly TempDirectory _temp = new();
    private WebApplication _emulator = null!;

    public VaasApp App { get; private set; } = null!;

    public string TalkingVideoId { get; private set; } = "";
    public string TalkingTaskId { get; private set; } = "";
    public string RunningTaskId { get; private set; } = "";
    public string PendingTaskId { get; private set; } = "";
    public string CancelledTaskId { get; private set; } = "";
    public string RefusedTaskId { get; private set; } = "";
    public string MadeTaskId { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorApp.StartAsync("--Emulator:PreparingSeconds=0.5", "--Emulator:QueueingSeconds=0.5", "--Emulator:ProcessingSeconds=0.5",
            "--Emulator:RenderWidth=320", $"--Emulator:DataDirectory={_temp.Combine("emulator")}");
        App = VaasApp.Start(_temp.Combine("data"), new Dictionary<string, string?>
        {
            ["MiniMax:BaseUrl"] = EmulatorApp.AddressOf(_emulator).ToString(),
            ["MiniMax:ApiKey"] = "emulator-key",
            ["MiniMax:PollIntervalSeconds"] = "5",
            ["MiniMax:IngestResults"] = "false",
        });
        var api = new SeedApiClient(App.CreateHttpClient());

        // A finished ingestion with speech and on-screen text (the video page and search have something to show).
        var talking = await SeedApiClient.ReadJsonAsync(await api.UploadAsync(await TestMedia.TalkingVideoAsync(), "meeting notes.mp4"));
        (TalkingVideoId, TalkingTaskId) = (talking["video_id"]!.GetValue<string>(), talking["task_id"]!.GetValue<string>());
        Assert.Equal("completed", (await api.WaitForFinishAsync(TalkingTaskId, TimeSpan.FromMinutes(2)))["status"]!.GetValue<string>());

        // MiniMax refuses the first request for want of money, and makes the second.
        using (var control = new HttpClient { BaseAddress = EmulatorApp.AddressOf(_emulator) })
        {
            (await control.PostAsJsonAsync("/control/faults", new { endpoint = "video_generation", kind = "base_resp", code = 1008, count = 1 })).EnsureSuccessStatusCode();
        }

        RefusedTaskId = await GenerateAsync(api, RefusedPrompt);
        Assert.Equal("failed", (await api.WaitForFinishAsync(RefusedTaskId))["status"]!.GetValue<string>());
        MadeTaskId = await GenerateAsync(api, MadePrompt);
        Assert.Equal("completed", (await api.WaitForFinishAsync(MadeTaskId))["status"]!.GetValue<string>());

        // One long ingestion runs (five minutes of ever-changing pictures), the next waits behind it, the third is cancelled.
        var longVideo = await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 300), _temp.Combine("long.mp4"));
        RunningTaskId = await UploadAsync(api, longVideo, LongName);
        PendingTaskId = await UploadAsync(api, longVideo, "waiting-" + LongName);
        CancelledTaskId = await UploadAsync(api, longVideo, "cancelled-" + LongName);
        (await api.Http.PostAsync($"/api/tasks/{CancelledTaskId}/cancel", null)).EnsureSuccessStatusCode();
        Assert.Equal("failed", (await api.WaitForFinishAsync(CancelledTaskId))["status"]!.GetValue<string>());
    }

    private static string Prompt(string opening)
    {
        var text = opening;
        while (text.Length < 2000)
        {
            text += ", then the camera drifts slowly to the left and the light turns golden over the water";
        }

        return text[..2000];
    }

    private static async Task<string> GenerateAsync(SeedApiClient api, string prompt)
    {
        var accepted = await SeedApiClient.ReadJsonAsync(await api.Http.PostAsJsonAsync("/api/generations", new { prompt }));
        return accepted["task_id"]!.GetValue<string>();
    }

    private static async Task<string> UploadAsync(SeedApiClient api, string path, string name) =>
        (await SeedApiClient.ReadJsonAsync(await api.UploadAsync(path, name)))["task_id"]!.GetValue<string>();

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await _emulator.DisposeAsync();
        _temp.Dispose();
    }
}
