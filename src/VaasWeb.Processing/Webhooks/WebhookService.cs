using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Accounts;
using VaasWeb.Processing.Data;

namespace VaasWeb.Processing.Webhooks;

/// <summary>A registration the caller got wrong, in one sentence (the API answers 400 with it).</summary>
public sealed class WebhookRegistrationException(string message) : Exception(message);

/// <summary>A user's webhooks: register, list, delete, and their delivery log. Everyone sees and changes only their own.</summary>
public sealed class WebhookService(
    IDbContextFactory<VaasDbContext> dbFactory,
    WebhookTargets targets,
    WebhookSecrets secrets,
    AuditTrail audit,
    IOptions<WebhookOptions> options,
    TimeProvider clock)
{
    public static readonly string EventsRule =
        $"The events must be a non-empty list of {string.Join(", ", WebhookEvents.All.Select(e => $"\"{e}\""))}.";

    public async Task<WebhookEndpoint> CreateAsync(Actor owner, string? url, string? secret, IReadOnlyList<string?>? events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner.UserId);
        if (WebhookTargets.DescribeUrlProblem(url, out var uri) is { } badUrl)
        {
            throw new WebhookRegistrationException(badUrl);
        }

        if (!WebhookSecrets.IsValid(secret))
        {
            throw new WebhookRegistrationException(WebhookSecrets.SecretRule);
        }

        if (events is not { Count: > 0 } || events.Any(e => e is null))
        {
            throw new WebhookRegistrationException(EventsRule);
        }

        if (events.FirstOrDefault(e => !WebhookEvents.IsKnown(e)) is { } unknown)
        {
            throw new WebhookRegistrationException($"\"{unknown}\" is not an event. {EventsRule}");
        }

        if (await targets.CheckHostAsync(uri!, cancellationToken) is { } refused)
        {
            throw new WebhookRegistrationException(refused);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Set<WebhookEndpoint>().CountAsync(e => e.OwnerId == owner.UserId, cancellationToken) >= options.Value.MaxEndpointsPerUser)
        {
            throw new WebhookRegistrationException($"You have {options.Value.MaxEndpointsPerUser} webhooks already, the most one account may have; delete one first.");
        }

        var endpoint = new WebhookEndpoint(owner.UserId, uri!.AbsoluteUri, secrets.Protect(secret!), events.Distinct().ToList()!, clock.GetUtcNow());
        db.Add(endpoint);
        audit.Add(db, owner, AuditActions.WebhookCreate, "webhook", endpoint.Id.ToString(), $"{endpoint.Url} ({endpoint.Events})");
        await db.SaveChangesAsync(cancellationToken);
        return endpoint;
    }

    public async Task<IReadOnlyList<WebhookEndpoint>> ListAsync(string ownerId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Set<WebhookEndpoint>().AsNoTracking().Where(e => e.OwnerId == ownerId).OrderByDescending(e => e.CreatedAt).ToListAsync(cancellationToken);
    }

    /// <summary>False when the caller has no webhook with this id (someone else's included).</summary>
    public async Task<bool> DeleteAsync(Guid id, Actor owner, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var endpoint = await db.Set<WebhookEndpoint>().FirstOrDefaultAsync(e => e.Id == id && e.OwnerId == owner.UserId, cancellationToken);
        if (endpoint is null)
        {
            return false;
        }

        db.Remove(endpoint);
        audit.Add(db, owner, AuditActions.WebhookDelete, "webhook", endpoint.Id.ToString(), endpoint.Url);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>The newest deliveries of one of the caller's webhooks, or null when it is not theirs.</summary>
    public async Task<IReadOnlyList<WebhookDelivery>?> DeliveriesAsync(Guid id, string ownerId, int limit, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.Set<WebhookEndpoint>().AnyAsync(e => e.Id == id && e.OwnerId == ownerId, cancellationToken))
        {
            return null;
        }

        return await db.Set<WebhookDelivery>().AsNoTracking().Where(d => d.EndpointId == id)
            .OrderByDescending(d => d.CreatedAt).Take(Math.Clamp(limit, 1, 500)).ToListAsync(cancellationToken);
    }
}
