using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Tasks;
using VaasWeb.Security;

namespace VaasWeb.Limits;

/// <summary>
/// At most <see cref="LimitsOptions.MaxQueuedTasksPerUser"/> pending or running tasks per account, so one person's
/// batch cannot fill the queue in front of everyone else. Checked before new work is accepted (an upload that would
/// queue an ingestion, before its bytes; process-video; a generation); the refusal is 409, since waiting, not
/// retrying, is what makes room. The count is the database's, so it holds across nodes.
/// </summary>
internal sealed class QueuedTaskCap(IDbContextFactory<VaasDbContext> contexts, IOptions<LimitsOptions> options)
{
    public async Task<ProblemHttpResult?> RefusalAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        if (limits.MaxQueuedTasksPerUser == 0 || user.UserId() is not { } id || (limits.ExemptAdmins && user.IsAdmin()))
        {
            return null;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var queued = await db.Tasks.CountAsync(t => t.OwnerId == id && (t.State == TaskState.Pending || t.State == TaskState.InProgress), cancellationToken);
        return Sentence(queued, limits.MaxQueuedTasksPerUser) is { } sentence
            ? TypedResults.Problem(sentence, statusCode: StatusCodes.Status409Conflict, title: "Too many tasks queued")
            : null;
    }

    /// <summary>Null while <paramref name="queued"/> is under <paramref name="limit"/>; else what the caller is told.</summary>
    public static string? Sentence(int queued, int limit) => queued < limit
        ? null
        : $"Your account has {queued} task{(queued == 1 ? "" : "s")} queued or running, and the limit is {limit} (Limits:MaxQueuedTasksPerUser). "
          + "Nothing new was queued; send it again once one has finished, or cancel one.";
}
