using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Webhooks;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Webhooks;

public sealed class WebhookRestartTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    [Fact]
    public async Task Restart_WithADeliveryPending_DeliversItAfterTheStart()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var down = true;
        receiver.Answer("/after-restart", _ => down ? 500 : 200);
        var data = _temp.Combine("data");
        string taskId;
        await using (var first = VaasApp.Start(data, WebhookAppFixture.FastRetries()))
        {
            using var http = first.CreateHttpClient();
            await WebhookAppFixture.RegisterAsync(http, receiver.Url("/after-restart"), "restart-secret", "task.completed");
            var api = new SeedApiClient(http);
            var upload = await SeedApiClient.ReadJsonAsync(await api.UploadAsync(await TestMedia.VideoAsync(new VideoSpec(Seconds: 1, Audio: false)), "restart.mp4"));
            taskId = upload["task_id"]!.GetValue<string>();
            await api.WaitForFinishAsync(taskId);
            await Eventually.TrueAsync(() => receiver.CallsTo("/after-restart").Count >= 3, "the first failed round");
        }

        await using (var db = await OpenAsync(data))
        {
            var pending = await db.Set<WebhookDelivery>().SingleAsync();
            Assert.Equal(WebhookDeliveryStatus.Pending, pending.Status);
            Assert.Contains("500", pending.LastError);
        }

        down = false;
        var before = receiver.CallsTo("/after-restart").Count;
        await using var second = VaasApp.Start(data, WebhookAppFixture.FastRetries());
        await Eventually.TrueAsync(() => receiver.CallsTo("/after-restart").Count > before, "the delivery after the restart");
        var calls = receiver.CallsTo("/after-restart");
        Assert.Single(calls.Select(c => c.EventId).Distinct());
        Assert.Equal(taskId, calls[^1].Json["task"]!["task_id"]!.GetValue<string>());
        using var client = second.CreateHttpClient();
        var hooks = await client.GetFromJsonAsync<System.Text.Json.Nodes.JsonArray>("/api/webhooks");
        await Eventually.TrueAsync(() => Task.Run(async () =>
            (await client.GetFromJsonAsync<System.Text.Json.Nodes.JsonArray>($"/api/webhooks/{hooks![0]!["id"]}/deliveries"))![0]!["status"]!.GetValue<string>() == "delivered").Result,
            "the delivery marked delivered");
    }

    [Fact]
    public async Task PrivateTarget_WithoutTheSetting_IsRefusedWithASentence()
    {
        await using var app = VaasApp.Start(_temp.Combine("private"));
        using var http = app.CreateHttpClient();

        var response = await http.PostAsJsonAsync("/api/webhooks", new { url = "http://127.0.0.1:8080/hook", secret = "x", events = new[] { "task.completed" } });
        var targets = new WebhookTargets(Options.Create(new WebhookOptions()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("127.0.0.1 resolves to 127.0.0.1, a loopback, private or link-local address", (await SeedApiClient.ReadJsonAsync(response))["detail"]!.GetValue<string>());
        Assert.Contains("Webhooks:AllowPrivateNetworks", await targets.CheckHostAsync(new Uri("http://localhost/x"), CancellationToken.None));
        Assert.NotNull(await targets.CheckHostAsync(new Uri("http://169.254.169.254/latest"), CancellationToken.None));
        Assert.NotNull(await targets.CheckHostAsync(new Uri("http://[::1]/x"), CancellationToken.None));
        // At send time too: a socket to a private address is refused even when the name was fine at registration.
        await Assert.ThrowsAsync<WebhookTargetRefusedException>(() => targets.AllowedAddressesAsync("10.1.2.3", CancellationToken.None));
    }

    private static async Task<Processing.Data.VaasDbContext> OpenAsync(string data)
    {
        var options = new DbContextOptionsBuilder<Processing.Data.VaasDbContext>().UseSqlite($"Data Source={Path.Combine(data, "vaas.db")}").Options;
        await Task.CompletedTask;
        return new Processing.Data.VaasDbContext(options);
    }

    public void Dispose() => _temp.Dispose();
}
