using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Failures;
using VaasWeb.Processing.Tasks;

namespace VaasWeb.Processing.Webhooks;

/// <summary>
/// The outbox: whenever a save moves a task to its end (or, throttled, records its progress), the deliveries for
/// every endpoint that wants the event are added to the same save, so they are committed in the task change's
/// transaction or not at all, whichever path ended the task. The sender picks them up afterwards; nothing here
/// talks to the network, so a dead endpoint never slows the work.
/// </summary>
/// <remarks>
/// Every signed-in account may see every task (the board, <c>task-status</c>, <c>GET /api/tasks</c>), so an endpoint
/// gets the events of all tasks; endpoints of locked-out or deleted accounts get none.
/// </remarks>
public sealed class WebhookOutbox(IWebhookPayload payload, WebhookSignal signal, IOptions<WebhookOptions> options, TimeProvider clock) : SaveChangesInterceptor
{
    private static readonly TimeSpan ProgressGiveUp = TimeSpan.FromMinutes(1);

    // When each task last queued a progress event on this node; a cluster may send one per node per interval.
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _lastProgress = new();

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is Data.VaasDbContext db)
        {
            await AddDeliveriesAsync(db, cancellationToken);
        }

        return result;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is Data.VaasDbContext db)
        {
            AddDeliveriesAsync(db, CancellationToken.None).GetAwaiter().GetResult();
        }

        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Wake(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Wake(eventData.Context);
        return result;
    }

    private void Wake(DbContext? context)
    {
        if (context is not null && context.ChangeTracker.Entries<WebhookDelivery>().Any())
        {
            signal.Wake();
        }
    }

    private async Task AddDeliveriesAsync(Data.VaasDbContext db, CancellationToken cancellationToken)
    {
        if (!db.ChangeTracker.Entries<ProcessingTask>().Any())
        {
            return;
        }

        db.ChangeTracker.DetectChanges();
        var now = clock.GetUtcNow();
        var events = new List<(string Event, ProcessingTask Task)>();
        foreach (var entry in db.ChangeTracker.Entries<ProcessingTask>())
        {
            if (EventOf(entry, now) is { } name)
            {
                events.Add((name, entry.Entity));
            }
        }

        if (events.Count == 0)
        {
            return;
        }

        var endpoints = await LiveEndpointsAsync(db, now, cancellationToken);
        foreach (var (name, task) in events)
        {
            var wanting = endpoints.Where(e => e.Wants(name)).ToList();
            if (wanting.Count == 0)
            {
                continue;
            }

            var eventId = Guid.NewGuid();
            var snapshot = AsStored(TaskSnapshot.Of(task));
            var body = payload.Write(name, eventId, snapshot.FinishedAt ?? snapshot.UpdatedAt, snapshot);
            var giveUpAt = now + (name == WebhookEvents.Progress ? ProgressGiveUp : TimeSpan.FromMinutes(options.Value.GiveUpAfterMinutes));
            foreach (var endpoint in wanting)
            {
                db.Set<WebhookDelivery>().Add(new WebhookDelivery(endpoint.Id, eventId, name, task.Id, body, now, giveUpAt));
            }
        }
    }

    /// <summary>Times as the database keeps them (milliseconds), so the body says what <c>/task-status</c> says later.</summary>
    private static TaskSnapshot AsStored(TaskSnapshot s) => s with
    {
        CreatedAt = Ms(s.CreatedAt),
        StartedAt = s.StartedAt is { } started ? Ms(started) : null,
        FinishedAt = s.FinishedAt is { } finished ? Ms(finished) : null,
        UpdatedAt = Ms(s.UpdatedAt),
    };

    private static DateTimeOffset Ms(DateTimeOffset t) => DateTimeOffset.FromUnixTimeMilliseconds(t.ToUnixTimeMilliseconds());

    private string? EventOf(EntityEntry<ProcessingTask> entry, DateTimeOffset now)
    {
        if (entry.State != EntityState.Modified)
        {
            return null;
        }

        var task = entry.Entity;
        var state = entry.Property(t => t.State);
        if (state.IsModified && !Equals(state.OriginalValue, state.CurrentValue))
        {
            _lastProgress.TryRemove(task.Id, out _);
            return task.State switch
            {
                TaskState.Completed => WebhookEvents.Completed,
                TaskState.Failed when task.ErrorCode == ErrorCodes.Cancelled => WebhookEvents.Cancelled,
                TaskState.Failed => WebhookEvents.Failed,
                _ => null,
            };
        }

        var progress = entry.Property(t => t.Progress);
        if (task.State != TaskState.InProgress || !progress.IsModified || Equals(progress.OriginalValue, progress.CurrentValue))
        {
            return null;
        }

        var interval = TimeSpan.FromSeconds(options.Value.ProgressIntervalSeconds);
        if (_lastProgress.TryGetValue(task.Id, out var last) && now - last < interval)
        {
            return null;
        }

        _lastProgress[task.Id] = now;
        return WebhookEvents.Progress;
    }

    private static async Task<List<WebhookEndpoint>> LiveEndpointsAsync(Data.VaasDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var endpoints = await db.Set<WebhookEndpoint>().AsNoTracking()
            .Join(db.Users, e => e.OwnerId, u => u.Id, (e, u) => new { Endpoint = e, u.LockoutEnd })
            .ToListAsync(cancellationToken);
        // A lockout far in the future is how an account is disabled; the 5-minute password lockout is not.
        return endpoints.Where(e => e.LockoutEnd is null || e.LockoutEnd < now.AddDays(1)).Select(e => e.Endpoint).ToList();
    }
}

/// <summary>Tells the sender on this node that a delivery was queued, so it does not wait for its next look.</summary>
public sealed class WebhookSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Wake()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already awake.
        }
    }

    internal Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}
