using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using VaasWeb.Tests.E2E.Browser;
using VaasWeb.Tests.E2E.Browser.Pages;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;
using static VaasWeb.Tests.E2E.Cluster.TwoNodeCluster;

namespace VaasWeb.Tests.E2E.Cluster;

/// <summary>
/// Two nodes as a team runs them: jobs spread over both, one live board wherever it is open, a cancel on one node
/// stops the work on the other, a killed node's ingestion is finished by the survivor, a generation is submitted
/// once and polled on cadence, and a sign-in on one node holds on the other.
/// </summary>
public sealed class TwoNodeTests(TwoNodeCluster cluster, BrowserFixture browser) : IClassFixture<TwoNodeCluster>, IClassFixture<BrowserFixture>, IDisposable
{
    private static readonly string[] Tools = ["ffmpeg", "ffprobe", "tesseract", "pocketsphinx_co"];

    private readonly TempDirectory _temp = new();

    [Fact]
    public async Task FourIngestions_RunTwoAtATimeOnBothNodes_AndTheBoardOnNodeAFollowsThoseOfNodeBLive()
    {
        var board = new BoardPage(await (await browser.NewContextAsync(cluster[A].BaseAddress, 1400, 900)).NewPageAsync());
        await board.OpenAsync();
        var loadedAt = await CardRecorder.LoadedAtAsync(board.Page);
        var api = new SeedApiClient(cluster.Api(A));
        var names = Enumerable.Range(1, 4).Select(i => $"spread-{i}.mp4").ToArray();
        var ids = new List<string>();
        foreach (var name in names)
        {
            var upload = await SeedApiClient.ReadJsonAsync(await api.UploadAsync(await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 8), _temp.Combine(name))));
            ids.Add(upload["task_id"]!.GetValue<string>());
        }

        var finished = await Task.WhenAll(ids.Select(id => api.WaitForFinishAsync(id, TimeSpan.FromMinutes(3))));

        Assert.All(finished, f => Assert.Equal("completed", f["status"]!.GetValue<string>()));
        var runs = finished.Select(f => (Node: f["node"]!.GetValue<string>(), Start: Time(f, "started_at"), End: Time(f, "finished_at"))).ToArray();
        Assert.Equal([A, B], runs.Select(r => r.Node).Distinct().Order());
        // One job at a time on each node, and the two nodes at work at the same time.
        foreach (var node in runs.GroupBy(r => r.Node))
        {
            var ordered = node.OrderBy(r => r.Start).ToArray();
            Assert.All(ordered.Zip(ordered.Skip(1)), pair => Assert.True(pair.Second.Start >= pair.First.End, $"two jobs at once on {node.Key}"));
        }

        Assert.Contains(runs, r => runs.Any(o => o.Node != r.Node && o.Start < r.End && r.Start < o.End));

        for (var i = 0; i < names.Length; i++)
        {
            await board.WaitForCardStateAsync(names[i], "completed");
            await Assertions.Expect(board.Card(names[i]).GetByTestId("task-timing")).ToContainTextAsync($"on {runs[i].Node}");
            if (runs[i].Node == B)
            {
                // Pushed from node B while it ran: running with progress on the way, then done, without a reload.
                var frames = await CardRecorder.ReadAsync(board.Page, names[i]);
                Assert.Equal(["running", "completed"], CardRecorder.Journey(frames).SkipWhile(s => s == "pending"));
                Assert.Contains(frames, f => f is { State: "running", Progress: > 0 and < 100 });
            }
        }

        Assert.Equal(loadedAt, await CardRecorder.LoadedAtAsync(board.Page));
        await board.ScreenshotAsync("cluster-board-1400");
    }

    [Fact]
    public async Task CancelPressedOnOneNode_StopsTheRunAndItsToolsOnTheNodeThatHoldsIt()
    {
        var api = new SeedApiClient(cluster.Api(A));
        var upload = await SeedApiClient.ReadJsonAsync(await api.UploadAsync(await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 180, Width: 640, Height: 480), _temp.Combine("cancel-me.mp4"))));
        var taskId = upload["task_id"]!.GetValue<string>();
        var running = await RunningStepAsync(api, taskId);
        var (node, other) = (running.Node, Other(running.Node));
        var page = await (await browser.NewContextAsync(cluster[other].BaseAddress, 1400, 900)).NewPageAsync();
        await new TaskDetailsPage(page).OpenAsync(taskId);
        await Assertions.Expect(page.GetByTestId("circuit")).ToHaveAttributeAsync("data-live", "true");
        await Assertions.Expect(page.GetByTestId("task-attempt")).ToContainTextAsync($"runs on {node}");
        await Assertions.Expect(page.GetByTestId("cancel-task")).ToBeEnabledAsync();
        await page.GetByTestId("cancel-task").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToContainTextAsync("Cancel this task?");
        await Eventually.TrueAsync(() => ToolsOf(cluster[node].ProcessId).Count > 0, $"a tool at work on {node}", TimeSpan.FromSeconds(60));

        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel task" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("task-error")).ToContainTextAsync($"cancelled by {VaasApp.AdminEmail}", new() { Timeout = 30_000 });
        await Eventually.TrueAsync(() => ToolsOf(cluster[node].ProcessId).Count == 0, $"no tool left running on {node}", TimeSpan.FromSeconds(15));
        var details = await DetailsAsync(api, taskId);
        Assert.Equal(("failed", "cancelled"), (details["task"]!["status"]!.GetValue<string>(), details["task"]!["error"]!["code"]!.GetValue<string>()));
        var steps = details["steps"]!.AsArray()
            .Select(s => (Name: s!["name"]!.GetValue<string>(), State: s["state"]!.GetValue<string>(), Detail: s["detail"]?.GetValue<string>())).ToArray();
        // Stopped where it was: in a step (that step reads "cancelled") or between two, and never finished.
        Assert.All(steps, s => Assert.True(s is { State: "completed" or "skipped" } or { State: "failed", Detail: "cancelled" }, $"{s}"));
        // At most one step a lane: the picture and the sound run side by side.
        Assert.True(steps.Count(s => s.State == "failed") <= 2, string.Join(", ", steps));
        Assert.DoesNotContain(steps, s => s is { Name: "index", State: "completed" });
    }

    [Fact]
    public async Task KillNineOfTheNodeRunningAnIngestion_TheOtherFinishesItAsTheNextAttempt()
    {
        var api = new SeedApiClient(cluster.Api(A));
        var upload = await SeedApiClient.ReadJsonAsync(await api.UploadAsync(await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 40), _temp.Combine("killed-node.mp4"))));
        var taskId = upload["task_id"]!.GetValue<string>();
        var running = await RunningStepAsync(api, taskId);
        var (dead, survivor) = (running.Node, Other(running.Node));

        await cluster.KillAsync(dead);

        try
        {
            var finished = await new SeedApiClient(cluster.Api(survivor)).WaitForFinishAsync(taskId, TimeSpan.FromMinutes(3));
            Assert.True(finished["status"]!.GetValue<string>() == "completed", $"{finished}\n{cluster.Logs}");
            Assert.Equal((2, survivor), (finished["attempt"]!.GetValue<int>(), finished["node"]!.GetValue<string>()));
            var details = await DetailsAsync(new SeedApiClient(cluster.Api(survivor)), taskId);
            Assert.Contains(details["history"]!.AsArray(), h => h!["reason"]!.GetValue<string>().StartsWith($"node {dead} stopped during step '", StringComparison.Ordinal));
            var firstAttempt = details["steps"]!.AsArray().Where(s => s!["attempt"]!.GetValue<int>() == 1).ToArray();
            Assert.DoesNotContain(firstAttempt, s => s!["state"]!.GetValue<string>() == "running");
            // The steps it was in: one, or one in each lane.
            Assert.InRange(firstAttempt.Count(s => s!["state"]!.GetValue<string>() == "interrupted"), 1, 2);
        }
        finally
        {
            await cluster.RestartAsync(dead);
        }
    }

    [Fact]
    public async Task Generation_OnTwoNodes_IsSubmittedOnce_AndPolledOnCadenceByOneNodeAtATime()
    {
        var api = new SeedApiClient(cluster.Api(B));
        var response = await api.Http.PostAsJsonAsync("/api/generations", new { prompt = "Two lighthouses take turns lighting the same bay", model = "MiniMax-Hailuo-02", duration = 6, resolution = "512P" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var taskId = (await SeedApiClient.ReadJsonAsync(response))["task_id"]!.GetValue<string>();

        var finished = await api.WaitForFinishAsync(taskId, TimeSpan.FromMinutes(2));

        Assert.Equal("completed", finished["status"]!.GetValue<string>());
        var generation = await SeedApiClient.ReadJsonAsync(await cluster.Api(A).GetAsync($"/api/generations/{taskId}"));
        var miniMaxTaskId = generation["minimax_task_id"]!.GetValue<string>();
        using var control = new HttpClient { BaseAddress = global::MiniMax.Emulator.EmulatorApp.AddressOf(cluster.Emulator) };
        var submits = await RequestsAsync(control, "video_generation", miniMaxTaskId);
        Assert.Single(submits);
        var polls = await RequestsAsync(control, "query", miniMaxTaskId);
        Assert.True(polls.Count >= 2, $"{polls.Count} polls of a 14 s render");
        var gaps = polls.Zip(polls.Skip(1), (first, next) => (next - first).TotalSeconds).ToArray();
        Assert.All(gaps, gap => Assert.True(gap >= PollInterval.TotalSeconds - 0.5, $"two polls {gap:0.00} s apart: {string.Join(", ", gaps.Select(g => g.ToString("0.00")))}"));
    }

    [Fact]
    public async Task SignInOnOneNode_IsAcceptedByTheOther_AndHealthzListsBothNodes()
    {
        var cookies = new CookieContainer();
        using var onA = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies }) { BaseAddress = cluster[A].BaseAddress };
        using var onB = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies }) { BaseAddress = cluster[B].BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await onB.GetAsync("/api/tasks")).StatusCode);

        Assert.True(await SignInForm.TrySignInAsync(onA, VaasApp.AdminEmail, VaasApp.AdminPassword));

        // The cookie was made on A (the same host, so the browser sends it to B as well); B reads it with the shared keys.
        Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync("/api/tasks")).StatusCode);
        var page = await onB.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var health = JsonNode.Parse(await (await onB.GetAsync("/healthz")).Content.ReadAsStringAsync())!;
        var scheduler = health["checks"]!["scheduler"]!;
        Assert.Equal("Healthy", scheduler["status"]!.GetValue<string>());
        Assert.Contains(A, scheduler.ToJsonString());
        Assert.Contains(B, scheduler.ToJsonString());
    }

    [Fact]
    public async Task ASecondProcessUnderALiveNodesName_IsRefused_ButANodeStoppedCleanlyStartsAgainAtOnce()
    {
        var twin = await AppProcess.RunRefusedAsync(_temp.Combine("twin"), cluster.Settings(A, _temp.Combine("twin")));

        Assert.True(twin.ExitCode == 1, $"{twin}");
        Assert.Matches(
            $"^VaasWeb cannot start, a setting is wrong:\\n  - Worker:Id '{A}' is taken: a node with that name checked in [0-9]+ s ago\\. Give every node its own Worker:Id; "
            + "if that node was this one and it just stopped, start again after 15 s\\.$", twin.Errors.Trim());

        await cluster.StopAsync(B);
        await cluster.RestartAsync(B);

        var health = JsonNode.Parse(await (await cluster.Api(B).GetAsync("/healthz")).Content.ReadAsStringAsync())!;
        Assert.Contains(B, health["checks"]!["scheduler"]!.ToJsonString());
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>Waits until a step after the probe runs; the node that runs it and the step.</summary>
    private static async Task<(string Node, string Step)> RunningStepAsync(SeedApiClient api, string taskId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var details = await DetailsAsync(api, taskId);
            var step = details["steps"]!.AsArray().FirstOrDefault(s => s!["state"]!.GetValue<string>() == "running" && s["name"]!.GetValue<string>() != "probe");
            if (step is not null && details["task"]!["node"]?.GetValue<string>() is { } node)
            {
                return (node, step["name"]!.GetValue<string>());
            }

            Assert.True(DateTime.UtcNow < deadline, $"No step after the probe started in time: {details}");
            await Task.Delay(50);
        }
    }

    private static async Task<JsonObject> DetailsAsync(SeedApiClient api, string taskId) =>
        await SeedApiClient.ReadJsonAsync(await api.Http.GetAsync($"/api/tasks/{taskId}"));

    private static DateTimeOffset Time(JsonObject task, string field) =>
        DateTimeOffset.Parse(task[field]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<List<DateTimeOffset>> RequestsAsync(HttpClient control, string endpoint, string miniMaxTaskId)
    {
        var entries = JsonNode.Parse(await control.GetStringAsync($"/control/requests?endpoint={endpoint}&task_id={miniMaxTaskId}"))!.AsArray();
        return [.. entries.Select(e => DateTimeOffset.Parse(e!["at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture))];
    }

    /// <summary>The media tools running as children of the process <paramref name="parent"/> (from /proc).</summary>
    private static List<int> ToolsOf(int parent)
    {
        var tools = new List<int>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid))
            {
                continue;
            }

            try
            {
                // "pid (comm) state ppid …": the name may hold spaces, so split after its closing parenthesis.
                var stat = File.ReadAllText(Path.Combine(folder, "stat"));
                var (open, close) = (stat.IndexOf('('), stat.LastIndexOf(')'));
                var name = stat[(open + 1)..close];
                var parentId = int.Parse(stat[(close + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
                if (parentId == parent && Tools.Contains(name))
                {
                    tools.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while being read.
            }
        }

        return tools;
    }
}
