using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VaasWeb.Processing.Accounts;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Storage;

namespace VaasWeb.Tests.E2E.Support;

/// <summary>The real app (Program.cs as shipped) on a free loopback port, with a data folder of its own.</summary>
public sealed class VaasApp : WebApplicationFactory<Program>
{
    /// <summary>The first admin, from configuration as an operator would set it.</summary>
    public const string AdminEmail = "admin@e2e.test";
    public const string AdminPassword = "e2e admin password";

    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;
    private readonly Lazy<string> _adminApiKey;

    private VaasApp(string dataDirectory, IDictionary<string, string?>? settings, int port, Action<IServiceCollection>? services)
    {
        _services = services;
        _settings = new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = dataDirectory,
            ["Worker:Id"] = "e2e-node",
            ["Admin:Email"] = AdminEmail,
            ["Admin:Password"] = AdminPassword,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        UseKestrel(port);
        // Off the test's synchronization context: the key is made by async code on first use.
        _adminApiKey = new Lazy<string>(() => Task.Run(() => ApiKeyForAsync(AdminEmail)).GetAwaiter().GetResult());
    }

    /// <summary>A key of the first admin, which most API tests use: they are about the API, not about who may call it.</summary>
    public string AdminApiKey => _adminApiKey.Value;

    public Uri BaseAddress => ClientOptions.BaseAddress;

    /// <summary>Everything the app logged at warning and above.</summary>
    public RecordedLogs Logs { get; } = new();

    public MediaStorage Storage => Services.GetRequiredService<MediaStorage>();

    /// <param name="port">0 for any free port; a given one to start the app again where open pages expect it.</param>
    /// <param name="services">Additions to the app's services, after its own (an in-memory trace exporter).</param>
    public static VaasApp Start(string dataDirectory, IDictionary<string, string?>? settings = null, int port = 0, Action<IServiceCollection>? services = null)
    {
        var app = new VaasApp(dataDirectory, settings, port, services);
        app.StartServer();
        // Program.cs refuses settings it cannot run with after the host is built (a message on stderr, exit code 1); the
        // factory then holds a host that never started. Say so here instead of failing later on an empty database.
        if (!app.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().ApplicationStarted.IsCancellationRequested)
        {
            app.Dispose();
            throw new InvalidOperationException("The app did not start: Program.cs refused its settings (see the test's standard error).");
        }

        return app;
    }

    /// <summary>A loopback port nothing listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A client that acts as the admin (API key).</summary>
    public HttpClient CreateHttpClient() => CreateHttpClient(AdminApiKey);

    /// <summary>A client with <paramref name="apiKey"/>, or none at all (anonymous).</summary>
    public HttpClient CreateHttpClient(string? apiKey)
    {
        var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        if (apiKey is not null)
        {
            http.DefaultRequestHeaders.Add(ApiKeyService.HeaderName, apiKey);
        }

        return http;
    }

    /// <summary>A new account with <paramref name="role"/>; its password is <see cref="AdminPassword"/>.</summary>
    public async Task<string> CreateUserAsync(string role, string? email = null)
    {
        email ??= $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@e2e.test";
        var result = await Services.GetRequiredService<UserAdministration>().CreateAsync(email, AdminPassword, role, Actor.System);
        return result.Succeeded ? email : throw new InvalidOperationException(string.Join(" ", result.Errors));
    }

    /// <summary>A new API key of the account <paramref name="email"/>.</summary>
    public async Task<string> ApiKeyForAsync(string email)
    {
        var user = (await Services.GetRequiredService<UserAdministration>().ListAsync(CancellationToken.None)).Single(u => u.Email == email);
        var key = await Services.GetRequiredService<ApiKeyService>().CreateAsync(new Actor(user.Id, email, null), "e2e", CancellationToken.None);
        return key.Secret;
    }

    public async Task<VaasDbContext> DbAsync() =>
        await Services.GetRequiredService<IDbContextFactory<VaasDbContext>>().CreateDbContextAsync();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning).AddProvider(Logs));
        if (_services is not null)
        {
            builder.ConfigureServices(_services);
        }
    }
}
