using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using global::MiniMax.Emulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Generation;
using VaasWeb.Processing.Tasks;

namespace VaasWeb.Tests.Unit.Support;

/// <summary>
/// The MiniMax emulator on a loopback port (real HTTP) and the processing side pointed at it, on a data folder of its
/// own. The app polls every 5 s (MiniMax's lower bound); the emulator's phases are short unless a test says otherwise.
/// </summary>
public sealed class GenerationRig : IAsyncDisposable
{
    public const string ApiKey = "emulator-key";

    private readonly TempDirectory _folder;
    private readonly Dictionary<string, string?> _settings;
    private readonly HttpClient _control;
    private readonly DatabaseProvider _database;

    private GenerationRig(TempDirectory folder, WebApplication emulator, Dictionary<string, string?> settings, DatabaseProvider database)
    {
        _folder = folder;
        _database = database;
        Emulator = emulator;
        _settings = settings;
        _control = new HttpClient { BaseAddress = EmulatorApp.AddressOf(emulator) };
    }

    public WebApplication Emulator { get; }

    public ProcessingHost Host { get; private set; } = null!;

    public GenerationService Service => Host.Get<GenerationService>();

    public static async Task<GenerationRig> StartAsync(
        IDictionary<string, string?>? settings = null, object? emulatorSettings = null, DatabaseProvider database = DatabaseProvider.Sqlite)
    {
        var folder = new TempDirectory("generation");
        var emulator = await EmulatorApp.StartAsync($"--Emulator:DataDirectory={folder.Combine("emulator")}");
        var all = new Dictionary<string, string?>
        {
            ["MiniMax:BaseUrl"] = EmulatorApp.AddressOf(emulator).ToString(),
            ["MiniMax:ApiKey"] = ApiKey,
            ["MiniMax:PollIntervalSeconds"] = "5",
            ["MiniMax:RequestTimeoutSeconds"] = "2",
            ["MiniMax:RetryDelaySeconds"] = "0.1",
            ["MiniMax:MaxRetries"] = "2",
            ["MiniMax:IngestResults"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var rig = new GenerationRig(folder, emulator, all, database);
        await rig.SetAsync(emulatorSettings ?? new { preparing_seconds = 0.2, queueing_seconds = 0.2, processing_seconds = 0.2, render_width = 160 });
        rig.Host = await ProcessingHost.StartAsync(folder.Combine("data"), all, database: database);
        return rig;
    }

    /// <summary>Stops the app as a crash or deploy would, and starts it again on the same data; the emulator keeps running.</summary>
    public async Task RestartAppAsync()
    {
        await Host.DisposeAsync();
        Host = await ProcessingHost.StartAsync(_folder.Combine("data"), _settings, database: _database);
    }

    public async Task<Guid> CreateAsync(string prompt = "A lighthouse on a cliff at dusk, waves crashing below", string? narration = null, string? voiceId = null) =>
        (await Service.CreateAsync(new GenerationInput(prompt, NarrationText: narration, VoiceId: voiceId), CancellationToken.None)).Id;

    public Task<TaskSnapshot> WaitForFinishAsync(Guid taskId, TimeSpan? timeout = null) =>
        Host.Events.WaitForFinishAsync(taskId, timeout ?? TimeSpan.FromSeconds(60));

    public async Task<VideoGeneration> GenerationAsync(Guid taskId)
    {
        await using var db = await Host.DbAsync();
        return await db.Generations.AsNoTracking().SingleAsync(g => g.TaskId == taskId);
    }

    /// <summary>Waits until MiniMax has accepted the generation, and returns MiniMax's task id.</summary>
    public async Task<string> AcceptedAsync(Guid taskId)
    {
        await Host.Events.WaitForAsync(taskId, s => s.Step == GenerationSteps.Generate || TaskStateMachine.IsFinished(s.State), TimeSpan.FromSeconds(30));
        return (await GenerationAsync(taskId)).MiniMaxTaskId ?? throw new InvalidOperationException($"Generation {taskId} was not accepted.");
    }

    public async Task SetAsync(object settings) =>
        (await _control.PutAsJsonAsync("/control/settings", settings)).EnsureSuccessStatusCode();

    public async Task AddFaultAsync(string endpoint, string kind, int? count = 1, int? code = null, int? delayMs = null)
    {
        var response = await _control.PostAsJsonAsync("/control/faults", new { endpoint, kind, count, code, delay_ms = delayMs });
        response.EnsureSuccessStatusCode();
    }

    public async Task FailOnMiniMaxAsync(string miniMaxTaskId, int code) =>
        (await _control.PostAsJsonAsync($"/control/tasks/{miniMaxTaskId}/fail", new { code })).EnsureSuccessStatusCode();

    /// <summary>What the emulator received, oldest first: (endpoint, task id, HTTP status, time).</summary>
    public async Task<IReadOnlyList<LoggedRequest>> RequestsAsync(string endpoint, string? miniMaxTaskId = null)
    {
        var query = $"/control/requests?endpoint={endpoint}" + (miniMaxTaskId is null ? "" : $"&task_id={miniMaxTaskId}");
        var entries = await _control.GetFromJsonAsync<JsonElement>(query);
        return [.. entries.EnumerateArray().Select(e => new LoggedRequest(
            e.GetProperty("endpoint").GetString()!,
            e.TryGetProperty("task_id", out var id) ? id.GetString() : null,
            e.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Number ? status.GetInt32() : null,
            DateTimeOffset.Parse(e.GetProperty("at").GetString()!, CultureInfo.InvariantCulture)))];
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        _control.Dispose();
        await Emulator.StopAsync();
        await Emulator.DisposeAsync();
        _folder.Dispose();
    }
}

public sealed record LoggedRequest(string Endpoint, string? TaskId, int? Status, DateTimeOffset At);
