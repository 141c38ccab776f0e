using System.Net;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Api;

/// <summary>Many scripts at once on the same bytes and the same path: every call ends right, and the log stays quiet.</summary>
public sealed class ConcurrencyTests : IAsyncLifetime
{
    private const int Callers = 20;

    private readonly TempDirectory _temp = new();
    private VaasApp _app = null!;

    public Task InitializeAsync()
    {
        _app = VaasApp.Start(_temp.Combine("data"), new Dictionary<string, string?> { ["Ingestion:AutoStart"] = "false" });
        return Task.CompletedTask;
    }

    [Fact]
    public async Task TwentyUploadsOfTheSameBytes_ThenTwentyProcessCallsOfOneNewPath_AllSucceed_AndNothingIsLoggedAsAnError()
    {
        var video = await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 2), _temp.Combine("same.mp4"));
        Directory.CreateDirectory(Path.Combine(_app.Storage.Root, "inbox"));
        File.Copy(video, Path.Combine(_app.Storage.Root, "inbox", "dropped.mp4"));
        using var http = _app.CreateHttpClient();
        var api = new SeedApiClient(http);

        var uploads = await Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => api.UploadAsync(video)));
        var processed = await Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => api.ProcessAsync("inbox/dropped.mp4")));

        Assert.All(uploads.Concat(processed), response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        var tasks = new HashSet<string>();
        foreach (var response in processed)
        {
            tasks.Add((await SeedApiClient.ReadJsonAsync(response))["task_id"]!.GetValue<string>());
        }

        // The first call registered the file and queued its ingestion; the others were given that task.
        Assert.Equal("completed", (await api.WaitForFinishAsync(Assert.Single(tasks)))["status"]!.GetValue<string>());
        Assert.True(_app.Logs.Errors.Count == 0, string.Join("\n", _app.Logs.Errors));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _temp.Dispose();
    }
}
