using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using global::MiniMax.Emulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR.Client;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Telemetry;

/// <summary>
/// <c>/metrics</c> of the real app after a known workload (two ingestions, one failure, one generation against the
/// MiniMax emulator over real HTTP): exactly those counts, in Prometheus' text format as <c>promtool</c> checks it.
/// </summary>
public sealed class MetricsTests : IAsyncLifetime
{
    private const string ScrapeKey = "scrape-key-for-the-test";

    private readonly TempDirectory _temp = new();
    private ToolFolder _tools = null!;
    private WebApplication _emulator = null!;
    private VaasApp _app = null!;
    private SeedApiClient _api = null!;

    public async Task InitializeAsync()
    {
        _tools = new ToolFolder(_temp.Combine("tools"));
        _emulator = await EmulatorApp.StartAsync("--Emulator:PreparingSeconds=0.2", "--Emulator:QueueingSeconds=0.2", "--Emulator:ProcessingSeconds=0.3",
            "--Emulator:RenderWidth=160", $"--Emulator:DataDirectory={_temp.Combine("emulator")}");
        _app = VaasApp.Start(_temp.Combine("data"), new Dictionary<string, string?>
        {
            ["Media:FfmpegFolder"] = _tools.Path,
            ["MiniMax:BaseUrl"] = EmulatorApp.AddressOf(_emulator).ToString(),
            ["MiniMax:ApiKey"] = "emulator-key",
            ["MiniMax:PollIntervalSeconds"] = "5",
            ["MiniMax:IngestResults"] = "false",
            ["Metrics:ScrapeKey"] = ScrapeKey,
        });
        _api = new SeedApiClient(_app.CreateHttpClient());
    }

    [Fact]
    public async Task KnownWorkload_MetricsShowExactlyThoseCounts_AndPassPromtool()
    {
        var generation = await _api.Http.PostAsJsonAsync("/api/generations", new { prompt = "A paper boat drifts down a rain-filled gutter", model = "MiniMax-Hailuo-02", duration = 6, resolution = "512P" });
        Assert.Equal(HttpStatusCode.Accepted, generation.StatusCode);
        var generationId = (await SeedApiClient.ReadJsonAsync(generation))["task_id"]!.GetValue<string>();
        Assert.Equal("completed", (await _api.WaitForFinishAsync(generationId, TimeSpan.FromSeconds(60)))["status"]!.GetValue<string>());
        var first = await TestMedia.VideoAsync(new VideoSpec(Seconds: 2));
        var second = await TestMedia.VideoAsync(new VideoSpec(Seconds: 3, Audio: false));
        var firstTask = await UploadAsync(first, "first.mp4");
        var secondTask = await UploadAsync(second, "second.mp4");
        Assert.Equal("completed", (await _api.WaitForFinishAsync(firstTask))["status"]!.GetValue<string>());
        Assert.Equal("completed", (await _api.WaitForFinishAsync(secondTask))["status"]!.GetValue<string>());
        // The failure: ffprobe breaks, and a re-run of the first video cannot start.
        _tools.BreakFfprobe();
        Assert.Equal(HttpStatusCode.Accepted, (await _api.Http.PostAsync($"/api/tasks/{firstTask}/rerun", null)).StatusCode);
        Assert.Equal("failed", (await _api.WaitForFinishAsync(firstTask))["status"]!.GetValue<string>());

        var text = await ScrapeAsync(_api.Http);
        var metrics = PrometheusText.Parse(text);

        Assert.Equal(2, metrics.Value("vaas_tasks_ended_total", ("kind", "ingestion"), ("outcome", "completed")));
        Assert.Equal(1, metrics.Value("vaas_tasks_ended_total", ("kind", "ingestion"), ("outcome", "failed")));
        Assert.Equal(1, metrics.Value("vaas_tasks_ended_total", ("kind", "generation"), ("outcome", "completed")));
        Assert.Equal(0, metrics.Value("vaas_tasks_ended_total", ("outcome", "cancelled")));
        Assert.Equal(4, metrics.Value("vaas_tasks_ended_total"));
        Assert.Equal(1, metrics.Value("vaas_ingestion_failures_total", ("error_type", "tool_unavailable")));
        Assert.Equal(1, metrics.Value("vaas_ingestion_failures_total"));
        // Each completed ingestion ran each step once; the failed re-run stopped before its first.
        Assert.Equal(2, metrics.Value("vaas_ingestion_step_duration_seconds_count", ("step", "probe")));
        Assert.Equal(2, metrics.Value("vaas_ingestion_step_duration_seconds_count", ("step", "frames")));
        Assert.Equal(2, metrics.Value("vaas_ingestion_work_per_video_minute_seconds_count"));
        Assert.Equal(1, metrics.Value("vaas_minimax_calls_total", ("minimax_endpoint", "submit"), ("outcome", "ok"), ("minimax_code", "0")));
        Assert.Equal(1, metrics.Value("vaas_minimax_calls_total", ("minimax_endpoint", "retrieve"), ("outcome", "ok")));
        Assert.Equal(1, metrics.Value("vaas_minimax_calls_total", ("minimax_endpoint", "download"), ("outcome", "ok")));
        Assert.Equal(0, metrics.Value("vaas_minimax_calls_total", ("outcome", "error")));
        var queries = metrics.Value("vaas_minimax_calls_total", ("minimax_endpoint", "query"));
        Assert.True(queries >= 1, $"The generation was polled ({queries} queries).");
        Assert.Equal(queries, metrics.Value("vaas_minimax_polls_total"));
        Assert.Equal(new FileInfo(first).Length + new FileInfo(second).Length, metrics.Value("vaas_uploads_received_bytes_total", ("path", "multipart")));
        // Nothing is left waiting or running; every kind is reported, at zero.
        Assert.Equal(0, metrics.Value("vaas_tasks_queue_depth", ("kind", "ingestion"), ("state", "pending")));
        Assert.Equal(0, metrics.Value("vaas_tasks_queue_depth", ("kind", "generation"), ("state", "in_progress")));
        Assert.Equal(4, metrics.Series("vaas_tasks_queue_depth").Count);
        // Quartz's, ASP.NET Core's and the runtime's own meters are there too.
        Assert.NotEmpty(metrics.Series("http_server_request_duration_seconds_count"));
        Assert.NotEmpty(metrics.Series("dotnet_gc_collections_total"));
        Assert.True(metrics.Value("quartz_job_execution_duration_seconds_count") >= 3, "Quartz timed its jobs (two ingestions and the failed re-run at least).");

        var check = await PromtoolAsync(text);
        Assert.True(check.ExitCode == 0, $"promtool check metrics: {check.Output}");
    }

    [Fact]
    public async Task Metrics_ForAdminsAndTheScrapeKeyOnly()
    {
        var viewer = await _app.ApiKeyForAsync(await _app.CreateUserAsync("Viewer"));
        using var anonymous = _app.CreateHttpClient(apiKey: null);
        using var asViewer = _app.CreateHttpClient(viewer);
        using var withWrongKey = _app.CreateHttpClient(apiKey: null);
        withWrongKey.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-key");
        using var scraper = _app.CreateHttpClient(apiKey: null);
        scraper.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ScrapeKey);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await withWrongKey.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await asViewer.GetAsync("/metrics")).StatusCode);
        Assert.Contains("vaas_tasks_queue_depth", await ScrapeAsync(scraper));
        Assert.Contains("vaas_tasks_queue_depth", await ScrapeAsync(_api.Http));
    }

    [Fact]
    public async Task AnOpenHubConnection_IsInSignalRsOwnGauge()
    {
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(_app.BaseAddress, "/hubs/tasks"), o => o.Headers["X-Api-Key"] = _app.AdminApiKey)
            .Build();
        await hub.StartAsync();

        var metrics = PrometheusText.Parse(await ScrapeAsync(_api.Http));

        Assert.Equal(1, metrics.Value("signalr_server_active_connections"));
    }

    [Fact]
    public async Task AllowAnonymous_OpensMetricsToAnyone_AndNothingElse()
    {
        await using var open = VaasApp.Start(_temp.Combine("open"), new Dictionary<string, string?> { ["Metrics:AllowAnonymous"] = "true" });
        using var anonymous = open.CreateHttpClient(apiKey: null);

        Assert.Contains("vaas_tasks_queue_depth", await ScrapeAsync(anonymous));
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/tasks")).StatusCode);
    }

    [Fact]
    public async Task TwoAppsInOneProcess_EachCountsOnlyItsOwnTasks()
    {
        await using var other = VaasApp.Start(_temp.Combine("other"));
        var otherApi = new SeedApiClient(other.CreateHttpClient());
        var response = await otherApi.UploadAsync(await TestMedia.VideoAsync(new VideoSpec(Seconds: 2)), "elsewhere.mp4");
        var taskId = (await SeedApiClient.ReadJsonAsync(response))["task_id"]!.GetValue<string>();
        Assert.Equal("completed", (await otherApi.WaitForFinishAsync(taskId))["status"]!.GetValue<string>());

        Assert.Equal(1, PrometheusText.Parse(await ScrapeAsync(otherApi.Http)).Value("vaas_tasks_ended_total", ("kind", "ingestion"), ("outcome", "completed")));
        Assert.Equal(0, PrometheusText.Parse(await ScrapeAsync(_api.Http)).Value("vaas_tasks_ended_total"));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _emulator.DisposeAsync();
        _temp.Dispose();
    }

    internal static async Task<string> ScrapeAsync(HttpClient http)
    {
        var response = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Debian's <c>promtool check metrics</c> (package prometheus, installed by test.sh) on the scraped text.</summary>
    internal static async Task<(int ExitCode, string Output)> PromtoolAsync(string text)
    {
        var start = new ProcessStartInfo("promtool", "check metrics")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var promtool = Process.Start(start) ?? throw new InvalidOperationException("promtool did not start.");
        var output = promtool.StandardOutput.ReadToEndAsync();
        var errors = promtool.StandardError.ReadToEndAsync();
        await promtool.StandardInput.WriteAsync(text);
        promtool.StandardInput.Close();
        await promtool.WaitForExitAsync();
        return (promtool.ExitCode, (await output + await errors).Trim());
    }

    private async Task<string> UploadAsync(string path, string name)
    {
        var response = await _api.UploadAsync(path, name);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await SeedApiClient.ReadJsonAsync(response))["task_id"]!.GetValue<string>();
    }
}

/// <summary>The samples of a Prometheus text exposition: name, labels, value.</summary>
internal sealed class PrometheusText
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples;

    private PrometheusText(List<(string, Dictionary<string, string>, double)> samples) => _samples = samples;

    public static PrometheusText Parse(string text)
    {
        var samples = new List<(string, Dictionary<string, string>, double)>();
        foreach (var line in text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var brace = line.IndexOf('{');
            var space = brace < 0 ? line.IndexOf(' ') : line.IndexOf(' ', line.LastIndexOf('}'));
            var name = line[..(brace < 0 ? space : brace)];
            var labels = new Dictionary<string, string>();
            if (brace >= 0)
            {
                var body = line[(brace + 1)..line.LastIndexOf('}')];
                foreach (System.Text.RegularExpressions.Match pair in System.Text.RegularExpressions.Regex.Matches(body, "(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\""))
                {
                    labels[pair.Groups[1].Value] = pair.Groups[2].Value;
                }
            }

            var value = line[(space + 1)..].Split(' ')[0];
            samples.Add((name, labels, value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                _ => double.Parse(value, CultureInfo.InvariantCulture),
            }));
        }

        return new PrometheusText(samples);
    }

    public IReadOnlyList<(string Name, Dictionary<string, string> Labels, double Value)> Series(string name) =>
        _samples.Where(s => s.Name == name).ToList();

    /// <summary>The sum of the samples named <paramref name="name"/> that carry all of <paramref name="labels"/>.</summary>
    public double Value(string name, params (string Key, string Value)[] labels) =>
        _samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).Sum(s => s.Value);
}
