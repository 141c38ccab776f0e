using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Accounts;
using VaasWeb.Processing.Data;
using VaasWeb.Security;

namespace VaasWeb.Api;

public sealed record AuditEntryResponse(long Id, DateTimeOffset At, string Actor, string? Address, string Action, string? TargetKind, string? TargetId, string? Detail);

/// <summary>Which entries to read: all filters combine; newest first.</summary>
public sealed record AuditQuery(string? Actor, string? Action, string? Target, DateTimeOffset? From, DateTimeOffset? To, long? Before, int Limit)
{
    public IQueryable<AuditEntry> Apply(IQueryable<AuditEntry> entries)
    {
        if (!string.IsNullOrWhiteSpace(Actor))
        {
            entries = entries.Where(e => e.Actor.Contains(Actor.Trim()));
        }

        if (!string.IsNullOrWhiteSpace(Action))
        {
            entries = entries.Where(e => e.Action == Action.Trim());
        }

        if (!string.IsNullOrWhiteSpace(Target))
        {
            entries = entries.Where(e => e.TargetId == Target.Trim() || (e.Detail != null && e.Detail.Contains(Target.Trim())));
        }

        if (From is { } from)
        {
            entries = entries.Where(e => e.At >= from);
        }

        if (To is { } to)
        {
            entries = entries.Where(e => e.At < to);
        }

        if (Before is { } before)
        {
            entries = entries.Where(e => e.Id < before);
        }

        return entries.OrderByDescending(e => e.Id).Take(Math.Clamp(Limit, 1, 1000));
    }
}

internal static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/audit", ListAsync).WithName("ListAuditEntries").WithTags("Audit").RequireAuthorization(Policies.Admin)
            .WithSummary("The audit log, newest first (admins): filter by actor, action, target (task or video id), time; page with before=<id>.");
        return app;
    }

    private static async Task<Results<Ok<AuditEntryResponse[]>, ProblemHttpResult>> ListAsync(
        IDbContextFactory<VaasDbContext> dbFactory, string? actor, string? action, string? target, DateTimeOffset? from, DateTimeOffset? to,
        long? before, int? limit, CancellationToken cancellationToken)
    {
        if (action is not null && !AuditActions.All.Contains(action))
        {
            return TypedResults.Problem($"action must be one of {string.Join(", ", AuditActions.All)}.", statusCode: StatusCodes.Status400BadRequest);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await new AuditQuery(actor, action, target, from, to, before, limit ?? 100).Apply(db.AuditLog.AsNoTracking()).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(e => new AuditEntryResponse(e.Id, e.At, e.Actor, e.Address, e.Action, e.TargetKind, e.TargetId, e.Detail)).ToArray());
    }
}
