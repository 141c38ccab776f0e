using VaasWeb.Processing.Cluster;
using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Storage;
using VaasWeb.Processing.Uploads;
using VaasWeb.Processing.Accounts;
using VaasWeb.Realtime;
using VaasWeb.Security;

namespace VaasWeb.Tests.Unit.Support;

/// <summary>
/// The one setup every component test shares: Mud services, loose JS interop, an in-memory SQLite database with
/// the real migrations, and task updates the test pushes by hand.
/// </summary>
public abstract class ComponentTestContext : BunitContext, IAsyncLifetime
{
    private bool _disposedAsync;

    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    protected ComponentTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        _connection.Open();
        Services.AddDbContextFactory<VaasDbContext>(o => o.UseSqlite(_connection));
        Services.AddSingleton<ITaskUpdates>(Updates);
        Services.AddSingleton<TimeProvider>(Clock);
        Services.AddSingleton<TaskEtaTracker>();
        Services.AddSingleton<TaskQueries>();
        Services.AddSingleton(ClusterMode.Single);
        Services.AddSingleton(Options.Create(new UploadOptions()));
        _storage.DataDirectory = _media;
        var storage = Options.Create(_storage);
        Services.AddSingleton(new DiskSpace(new MediaStorage(storage), storage));
        Auth = AddAuthorization();
        SignInAs(Roles.Uploader);
        using var db = CreateDb();
        db.Database.Migrate();
    }

    protected BunitAuthorizationContext Auth { get; }

    /// <summary>The disk guard's reserve as the board reads it (0, the default here: no reserve, no warning).</summary>
    protected void UseDiskReserve(long minFreeBytes) => _storage.MinFreeBytes = minFreeBytes;

    private readonly string _media = Directory.CreateTempSubdirectory("vaas-components-").FullName;
    private readonly StorageOptions _storage = new() { MinFreeBytes = 0 };

    /// <summary>
    /// Signs the page's user in with <paramref name="role"/>. The policies they pass are worked out by the app's
    /// own policy definitions, not listed by hand, so a component test sees what that role really sees.
    /// </summary>
    protected void SignInAs(string role)
    {
        Auth.SetAuthorized($"{role.ToLowerInvariant()}@example.com");
        Auth.SetRoles(role);
        Auth.SetPolicies(PoliciesOf(role));
    }

    private static string[] PoliciesOf(string role)
    {
        var services = new ServiceCollection().AddLogging().AddAuthorization(Policies.Add)
            .AddSingleton<IAuthorizationHandler, BoardAccessHandler>()
            .AddSingleton(Options.Create(new BoardOptions()))
            .AddSingleton<IOptionsMonitor<BoardOptions>>(new StaticOptionsMonitor<BoardOptions>(new BoardOptions()))
            .BuildServiceProvider();
        var authorization = services.GetRequiredService<IAuthorizationService>();
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "someone"), new Claim(ClaimTypes.Role, role)], "test"));
        return [.. new[] { Policies.Board, Policies.Viewer, Policies.Uploader, Policies.Admin }
            .Where(policy => authorization.AuthorizeAsync(user, policy).GetAwaiter().GetResult().Succeeded)];
    }

    private sealed class StaticOptionsMonitor<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue => value;

        public T Get(string? name) => value;

        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }

    protected FakeTaskUpdates Updates { get; } = new();

    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));

    protected VaasDbContext CreateDb() => Services.GetRequiredService<IDbContextFactory<VaasDbContext>>().CreateDbContext();

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Mud services only dispose asynchronously, and xunit 2 disposes test classes synchronously.</summary>
    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        _disposedAsync = true;
        await _connection.DisposeAsync();
        Directory.Delete(_media, recursive: true);
    }

    protected override void Dispose(bool disposing)
    {
        if (!_disposedAsync)
        {
            base.Dispose(disposing);
        }
    }
}

/// <summary>Task updates a test pushes itself.</summary>
public sealed class FakeTaskUpdates : ITaskUpdates
{
    private readonly List<Action<TaskSnapshot>> _subscribers = [];

    public int SubscriberCount => _subscribers.Count;

    public IDisposable Subscribe(Action<TaskSnapshot> onChange)
    {
        _subscribers.Add(onChange);
        return new Unsubscriber(() => _subscribers.Remove(onChange));
    }

    public void Push(TaskSnapshot snapshot)
    {
        foreach (var subscriber in _subscribers.ToArray())
        {
            subscriber(snapshot);
        }
    }

    private sealed class Unsubscriber(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
