using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using VaasWeb.Realtime;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Security;

/// <summary>Board:AllowAnonymousViewers: a wall screen watches the board without an account, and sees nothing else.</summary>
public sealed class WallScreenTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private VaasApp _app = null!;

    public Task InitializeAsync()
    {
        _app = VaasApp.Start(_temp.Combine("data"), new Dictionary<string, string?> { ["Board:AllowAnonymousViewers"] = "true" });
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Anonymous_GetsTheBoardItsUpdatesAndThumbnails_AndNothingElse()
    {
        var admin = new SeedApiClient(_app.CreateHttpClient());
        var upload = await SeedApiClient.ReadJsonAsync(await admin.UploadAsync(await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 2), _temp.Combine("lobby.mp4"))));
        await admin.WaitForFinishAsync(upload["task_id"]!.GetValue<string>());
        string thumbnail;
        await using (var db = await _app.DbAsync())
        {
            thumbnail = (await db.Videos.SingleAsync()).ThumbnailPath!;
        }

        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _app.BaseAddress };
        using var board = new HttpRequestMessage(HttpMethod.Get, "/");
        board.Headers.Accept.ParseAdd("text/html");
        using var library = new HttpRequestMessage(HttpMethod.Get, "/videos");
        library.Headers.Accept.ParseAdd("text/html");

        Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(board)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/media/{thumbnail}")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.SendAsync(library)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/media/{upload["video_path"]!.GetValue<string>()}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/tasks")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/tasks/rerun-failed", null)).StatusCode);
        await using var hub = new HubConnectionBuilder().WithUrl(new Uri(_app.BaseAddress, TaskHub.Path)).Build();
        await hub.StartAsync();
        Assert.Single(await hub.InvokeAsync<object[]>(nameof(TaskHub.GetRecentTasks), 10));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _temp.Dispose();
    }
}
