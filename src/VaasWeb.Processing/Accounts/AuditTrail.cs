using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using VaasWeb.Processing.Data;

namespace VaasWeb.Processing.Accounts;

/// <summary>Writes the audit log. Entries are only ever added (the context refuses to change or delete one).</summary>
public sealed class AuditTrail(IDbContextFactory<VaasDbContext> dbFactory, TimeProvider clock, ILogger<AuditTrail> logger)
{
    /// <summary>Adds an entry to <paramref name="db"/>, to be saved with the change it describes.</summary>
    public void Add(VaasDbContext db, Actor actor, string action, string? targetKind = null, string? targetId = null, string? detail = null) =>
        db.AuditLog.Add(new AuditEntry(clock.GetUtcNow(), actor.UserId, actor.Name, actor.Address, action, targetKind, targetId, detail));

    /// <summary>Records something already done. A failure to record is logged, never undoes or fails the action.</summary>
    public async Task RecordAsync(Actor actor, string action, string? targetKind = null, string? targetId = null, string? detail = null)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            Add(db, actor, action, targetKind, targetId, detail);
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Could not record {Action} by {Actor} on {TargetKind} {TargetId} in the audit log", action, actor.Name, targetKind, targetId);
        }
    }
}
