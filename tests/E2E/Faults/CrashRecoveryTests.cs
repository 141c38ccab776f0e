using System.Net.Sockets;
using System.Text;
using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Tasks;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Faults;

/// <summary>The app runs as its own process and is killed (SIGKILL, as a crash or the OOM killer would) mid-work, then started again.</summary>
public sealed class CrashRecoveryTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private string Data => _temp.Combine("data");

    [Fact]
    public async Task MultipartUpload_CutByACrash_LeavesNothingInIncomingOnceTheAppIsBack()
    {
        var key = (await AppProcess.AdminAsync(Data, "create-key", "--user", VaasApp.AdminEmail, "--name", "crash")).LastLine;
        var video = await File.ReadAllBytesAsync(await TestMedia.VideoAsync(new VideoSpec(Seconds: 6)));
        var incoming = Path.Combine(Data, "media", ".incoming");
        await using (var app = await AppProcess.StartAsync(Data))
        {
            using var socket = new TcpClient();
            await socket.ConnectAsync(app.BaseAddress.Host, app.BaseAddress.Port);
            var stream = socket.GetStream();
            var part = Encoding.ASCII.GetBytes("--cut\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cut.mp4\"\r\nContent-Type: video/mp4\r\n\r\n");
            var head = $"POST /upload-video HTTP/1.1\r\nHost: {app.BaseAddress.Authority}\r\n{Processing.Accounts.ApiKeyService.HeaderName}: {key}\r\n" +
                       $"Content-Type: multipart/form-data; boundary=cut\r\nContent-Length: {part.Length + video.Length + 9}\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            await stream.WriteAsync(part);
            await stream.WriteAsync(video.AsMemory(0, video.Length / 2));
            await stream.FlushAsync();
            await Eventually.TrueAsync(() => Directory.EnumerateFiles(incoming, "*.part").Any(f => new FileInfo(f).Length > 0), "the upload's first bytes on disk");

            await app.KillAsync();
        }

        Assert.NotEmpty(Directory.EnumerateFiles(incoming, "*.part"));
        await using var again = VaasApp.Start(Data);
        Assert.Empty(Directory.EnumerateFiles(again.Storage.IncomingDirectory));
    }

    [Fact]
    public async Task Ingestion_KilledMidStep_ReadsInterruptedForThatAttempt_AndTheNextAttemptCompletes()
    {
        var key = (await AppProcess.AdminAsync(Data, "create-key", "--user", VaasApp.AdminEmail, "--name", "crash")).LastLine;
        string taskId;
        await using (var app = await AppProcess.StartAsync(Data))
        {
            var api = new SeedApiClient(app.CreateHttpClient(key));
            var upload = await SeedApiClient.ReadJsonAsync(await api.UploadAsync(await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 40), _temp.Combine("long.mp4"))));
            taskId = upload["task_id"]!.GetValue<string>();
            // Killed while a step after the probe is recorded as running (the details list every step row).
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (await SeedApiClient.ReadJsonAsync(await api.Http.GetAsync($"/api/tasks/{taskId}")) is var details
                   && !details["steps"]!.AsArray().Any(s => s!["state"]!.GetValue<string>() == "running" && s["name"]!.GetValue<string>() != "probe"))
            {
                Assert.True(DateTime.UtcNow < deadline, $"No step after the probe started in time: {details}");
                await Task.Delay(50);
            }

            await app.KillAsync();
        }

        await using var again = VaasApp.Start(Data);
        var finished = await new SeedApiClient(again.CreateHttpClient()).WaitForFinishAsync(taskId);

        Assert.Equal(("completed", 2), (finished["status"]!.GetValue<string>(), finished["attempt"]!.GetValue<int>()));
        await using var db = await again.DbAsync();
        var firstAttempt = await db.TaskSteps.Where(s => s.TaskId == Guid.Parse(taskId) && s.Attempt == 1).ToListAsync();
        Assert.DoesNotContain(firstAttempt, s => s.State == StepState.Running);
        // One step, or one of each lane when the picture and the sound were both under way.
        var interrupted = firstAttempt.Where(s => s.State == StepState.Interrupted).ToList();
        Assert.InRange(interrupted.Count, 1, 2);
        Assert.All(interrupted, s => Assert.Equal("interrupted: the server stopped during this step", s.Detail));
        Assert.All(interrupted, s => Assert.NotNull(s.FinishedAt));
    }

    public void Dispose() => _temp.Dispose();
}
