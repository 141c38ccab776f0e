using System.Net.Http.Json;
using global::MiniMax.Emulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;
using VaasWeb.Processing.Accounts;
using VaasWeb.Tests.E2E.Browser.Pages;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Browser;

/// <summary>Admins find failed tasks, read why, run them again and watch; viewers are offered none of that.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AdminConsoleTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string Prompt = "A lighthouse keeper paints the fog";

    private readonly TempDirectory _temp = new();
    private WebApplication? _emulator;
    private VaasApp? _app;

    public Task InitializeAsync() => Task.CompletedTask;

    [Fact]
    public async Task AdminFindsAGenerationMiniMaxRefused_ReadsWhy_RerunsIt_AndWatchesItComplete()
    {
        _emulator = await EmulatorApp.StartAsync("--Emulator:PreparingSeconds=1", "--Emulator:QueueingSeconds=1", "--Emulator:ProcessingSeconds=1",
            "--Emulator:RenderWidth=320", $"--Emulator:DataDirectory={_temp.Combine("emulator")}");
        _app = VaasApp.Start(_temp.Combine("data"), new Dictionary<string, string?>
        {
            ["MiniMax:BaseUrl"] = EmulatorApp.AddressOf(_emulator).ToString(),
            ["MiniMax:ApiKey"] = "emulator-key",
            ["MiniMax:PollIntervalSeconds"] = "5",
            ["MiniMax:IngestResults"] = "false",
        });
        using var control = new HttpClient { BaseAddress = EmulatorApp.AddressOf(_emulator) };
        // MiniMax refuses the first submit as sensitive content, once.
        (await control.PostAsJsonAsync("/control/faults", new { endpoint = "video_generation", kind = "base_resp", code = 1026, count = 1 })).EnsureSuccessStatusCode();
        var uploader = await _app.CreateUserAsync(Roles.Uploader);
        var api = new SeedApiClient(_app.CreateHttpClient(await _app.ApiKeyForAsync(uploader)));
        var accepted = await SeedApiClient.ReadJsonAsync(await api.Http.PostAsJsonAsync("/api/generations", new { prompt = Prompt }));
        var taskId = accepted["task_id"]!.GetValue<string>();
        Assert.Equal("failed", (await api.WaitForFinishAsync(taskId))["status"]!.GetValue<string>());

        var context = await browser.NewContextAsync(_app.BaseAddress);
        var admin = new AdminConsole(await context.NewPageAsync());
        await admin.OpenAsync();

        await Assertions.Expect(admin.Row(taskId)).ToBeVisibleAsync();
        Assert.Equal("minimax_1026", await admin.ErrorCodeAsync(taskId));
        Assert.Contains("sensitive", await admin.ReasonAsync(taskId), StringComparison.OrdinalIgnoreCase);
        await admin.Page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "admin-failed.png"), FullPage = true });
        var board = new BoardPage(await context.NewPageAsync());
        await board.OpenAsync();
        await board.WaitForCardStateAsync(Prompt, "failed");

        await admin.RerunAsync(taskId);

        await Assertions.Expect(admin.Row(taskId)).ToHaveCountAsync(0);
        await board.WaitForCardStateAsync(Prompt, "completed", timeoutMs: 60_000);
        await Assertions.Expect(board.Card(Prompt)).ToContainTextAsync("attempt 2");
        // Pending lasts until the next submit tick (under a second) and may be gone before the page renders it.
        Assert.Equal(["failed", "running", "completed"], CardRecorder.Journey(await CardRecorder.ReadAsync(board.Page, Prompt)).Where(s => s != "pending"));
        var history = await SeedApiClient.ReadJsonAsync(await api.Http.GetAsync($"/api/tasks/{taskId}"));
        Assert.Contains(history["history"]!.AsArray(), h => h!["reason"]!.GetValue<string>() == $"re-run requested by {VaasApp.AdminEmail}");
        await admin.ShowTabAsync("Audit log");
        await Assertions.Expect(admin.AuditEntries(AuditActions.TaskRerun)).ToHaveCountAsync(1);
        await Assertions.Expect(admin.AuditEntries(AuditActions.TaskRerun)).ToContainTextAsync(VaasApp.AdminEmail);
        await Assertions.Expect(admin.AuditEntries(AuditActions.GenerationCreate)).ToContainTextAsync(uploader);
    }

    [Fact]
    public async Task Viewer_SeesTheBoardAndAFailedTask_ButNoUploadRerunCancelOrAdmin()
    {
        _app = VaasApp.Start(_temp.Combine("data"));
        var admin = new SeedApiClient(_app.CreateHttpClient());
        var upload = await SeedApiClient.ReadJsonAsync(await admin.UploadAsync(await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 30), _temp.Combine("meeting.mp4"))));
        var taskId = upload["task_id"]!.GetValue<string>();
        await admin.Http.PostAsync($"/api/tasks/{taskId}/cancel", null);
        await admin.WaitForFinishAsync(taskId);
        var viewer = await _app.CreateUserAsync(Roles.Viewer);

        var page = await (await browser.NewContextAsync(_app.BaseAddress, email: viewer)).NewPageAsync();
        await page.GotoAsync("/");
        await Assertions.Expect(page.GetByTestId("circuit")).ToHaveAttributeAsync("data-live", "true");

        await Assertions.Expect(page.Locator("[data-testid=task-card][data-state=failed]")).ToHaveCountAsync(1);
        Assert.Equal(0, await page.GetByTestId("upload-drop").CountAsync());
        Assert.Equal(0, await page.GetByRole(AriaRole.Link, new() { Name = "Admin" }).CountAsync());
        await page.GotoAsync($"/tasks/{taskId}");
        await Assertions.Expect(page.GetByTestId("task-error")).ToContainTextAsync($"cancelled by {VaasApp.AdminEmail}");
        Assert.Equal(0, await page.GetByTestId("rerun-task").CountAsync());
        Assert.Equal(0, await page.GetByTestId("cancel-task").CountAsync());
        await page.GotoAsync("/admin");
        await Assertions.Expect(page.GetByTestId("forbidden")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "viewer-admin-refused.png") });
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }

        _temp.Dispose();
    }
}
