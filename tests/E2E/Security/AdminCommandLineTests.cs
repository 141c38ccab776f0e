using System.Net;
using System.Text.Json.Nodes;
using VaasWeb.Processing.Accounts;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Security;

/// <summary>
/// <c>admin …</c> as an operator runs it (<c>dotnet VaasWeb.dll admin …</c>, what run.sh starts), before the server
/// runs and while it does, on the same data directory; everything else goes over HTTP with what the commands printed.
/// </summary>
public sealed class AdminCommandLineTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private string Data => _temp.Combine("data");

    public Task InitializeAsync() => Task.CompletedTask;

    [Fact]
    public async Task CreateKey_OnAnEmptyDataDirectory_GivesAKeyThatUploadsProcessesAndReadsTaskStatus()
    {
        var created = await AdminAsync("create-key", "--user", VaasApp.AdminEmail, "--name", "nightly import");
        Assert.Equal(0, created.ExitCode);
        Assert.Matches("^vaas_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$", created.LastLine);

        await using var app = VaasApp.Start(Data);
        using var http = app.CreateHttpClient(created.LastLine);
        var api = new SeedApiClient(http);
        var upload = await SeedApiClient.ReadJsonAsync(await api.UploadAsync(await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 2), _temp.Combine("a.mp4"))));
        var first = await api.WaitForFinishAsync(upload["task_id"]!.GetValue<string>());
        var processed = await SeedApiClient.ReadJsonAsync(await api.ProcessAsync(upload["video_path"]!.GetValue<string>()));
        var second = await api.WaitForFinishAsync(processed["task_id"]!.GetValue<string>());

        Assert.Equal(("completed", "completed"), (first["status"]!.GetValue<string>(), second["status"]!.GetValue<string>()));
        var listed = JsonNode.Parse((await AdminAsync("list-keys", "--user", VaasApp.AdminEmail)).LastLine)!.AsArray();
        var key = Assert.Single(listed)!;
        Assert.Equal(("nightly import", created.LastLine.Split('_')[1]), (key["name"]!.GetValue<string>(), key["prefix"]!.GetValue<string>()));
        Assert.NotNull(key["last_used_at"]);
        Assert.DoesNotContain(created.LastLine, listed.ToJsonString());
    }

    [Fact]
    public async Task ResetPassword_WhileTheServerRuns_PrintsAPasswordThatSignsIn_AndTheOldOneNoLonger()
    {
        await using var app = VaasApp.Start(Data);
        var email = await app.CreateUserAsync(Roles.Uploader);

        var reset = await AdminAsync("reset-password", "--user", email);

        Assert.Equal(0, reset.ExitCode);
        Assert.Equal(20, reset.LastLine.Length);
        using (var old = SignInForm.Client(app.BaseAddress))
        {
            Assert.False(await SignInForm.TrySignInAsync(old, email, VaasApp.AdminPassword));
        }

        using var fresh = SignInForm.Client(app.BaseAddress);
        Assert.True(await SignInForm.TrySignInAsync(fresh, email, reset.LastLine));
        await using var db = await app.DbAsync();
        Assert.Contains(db.AuditLog, e => e.Action == AuditActions.UserPassword && e.Actor == "command line" && e.Detail == email);
    }

    [Fact]
    public async Task CreateUserAndKey_AViewersKeyCannotUpload_AndARevokedKeyIsRefused()
    {
        await using var app = VaasApp.Start(Data);
        var user = await AdminAsync("create-user", "--email", "viewer@e2e.test", "--role", "Viewer");
        var key = (await AdminAsync("create-key", "--user", "viewer@e2e.test", "--name", "wall screen")).LastLine;
        using var http = app.CreateHttpClient(key);

        var upload = await new SeedApiClient(http).UploadAsync(await TestMedia.CopyVideoAsync(new VideoSpec(Seconds: 1), _temp.Combine("v.mp4")));
        var read = await http.GetAsync("/api/tasks");
        var id = JsonNode.Parse((await AdminAsync("list-keys", "--user", "viewer@e2e.test")).LastLine)![0]!["id"]!.GetValue<string>();
        var revoked = await AdminAsync("revoke-key", "--id", id);
        var afterRevoke = await http.GetAsync("/api/tasks");

        Assert.Equal(0, user.ExitCode);
        Assert.Equal(HttpStatusCode.Forbidden, upload.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal((0, id), (revoked.ExitCode, revoked.LastLine));
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevoke.StatusCode);
        using var signIn = SignInForm.Client(app.BaseAddress);
        Assert.True(await SignInForm.TrySignInAsync(signIn, "viewer@e2e.test", user.LastLine));
    }

    [Fact]
    public async Task Refusals_ExitNonZero_WithASentenceOnStderr_AndNothingOnStdout()
    {
        var unknownUser = await AdminAsync("create-key", "--user", "nobody@e2e.test", "--name", "x");
        var badRole = await AdminAsync("create-user", "--email", "x@e2e.test", "--role", "Boss");
        var key = await AdminAsync("create-key", "--user", VaasApp.AdminEmail, "--name", "once");
        var id = JsonNode.Parse((await AdminAsync("list-keys", "--user", VaasApp.AdminEmail)).LastLine)![0]!["id"]!.GetValue<string>();
        await AdminAsync("revoke-key", "--id", id);
        var revokedTwice = await AdminAsync("revoke-key", "--id", id);
        var unknownCommand = await AdminAsync("make-coffee");
        var missingOption = await AdminAsync("create-key", "--user", VaasApp.AdminEmail);

        Assert.Equal(0, key.ExitCode);
        Assert.Equal((1, "", "There is no account nobody@e2e.test; create-user --email nobody@e2e.test --role Viewer|Uploader|Admin makes one."),
            (unknownUser.ExitCode, unknownUser.Output, unknownUser.Errors.Trim()));
        Assert.Equal((1, "", "There is no role 'Boss'; the roles are Admin, Uploader, Viewer."), (badRole.ExitCode, badRole.Output, badRole.Errors.Trim()));
        Assert.Equal((1, ""), (revokedTwice.ExitCode, revokedTwice.Output));
        Assert.StartsWith($"There is no API key {id} that is still valid", revokedTwice.Errors);
        Assert.Equal((2, ""), (unknownCommand.ExitCode, unknownCommand.Output));
        Assert.StartsWith("There is no admin command 'make-coffee'.", unknownCommand.Errors);
        Assert.Equal((2, ""), (missingOption.ExitCode, missingOption.Output));
        Assert.StartsWith("create-key needs --name.", missingOption.Errors);
    }

    private Task<CommandResult> AdminAsync(params string[] command) => AppProcess.AdminAsync(Data, command);

    public Task DisposeAsync()
    {
        _temp.Dispose();
        return Task.CompletedTask;
    }
}
