using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Media;
using VaasWeb.Processing.Storage;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Videos;
using VaasWeb.Security;

namespace VaasWeb.Components.Shared;

/// <summary>
/// Cancel, re-run and delete as pages offer them: the same permission checks as the REST API (the buttons being
/// hidden is not the check), the person named in the task's history and the audit log, and a sentence on what happened.
/// </summary>
public sealed class TaskActions(
    TaskCommands commands, VideoDeletion deletion, VideoImporter importer, MediaStorage storage, IDbContextFactory<VaasDbContext> dbFactory,
    CurrentActor actor, AuthenticationStateProvider authentication, IDialogService dialogs, ISnackbar snackbar)
{
    /// <summary>Asks first (a cancelled task's work so far is thrown away), then cancels; null when the person changed their mind.</summary>
    public async Task<CancelOutcome?> CancelAsync(Guid taskId, string? name = null)
    {
        var confirmed = await dialogs.ShowMessageBoxAsync("Cancel this task?",
            $"{name ?? "The task"} stops now; what it made so far is not kept. It can be run again later.",
            yesText: "Cancel task", cancelText: "Keep it running");
        if (confirmed != true)
        {
            return null;
        }

        var user = (await authentication.GetAuthenticationStateAsync()).User;
        var (outcome, _) = await commands.CancelAsync(taskId, await actor.GetAsync(), t => user.CanCancel(t.OwnerId), CancellationToken.None);
        snackbar.Add(outcome switch
        {
            CancelOutcome.Cancelled => "Cancelled before it started.",
            CancelOutcome.Stopping => "Stopping: its work is being stopped and the task will show as cancelled.",
            CancelOutcome.AlreadyFinished => "It had already finished.",
            CancelOutcome.Forbidden => "Uploaders may cancel only the tasks they started; ask an admin.",
            _ => "That task no longer exists.",
        }, outcome is CancelOutcome.Cancelled or CancelOutcome.Stopping ? Severity.Info : Severity.Warning);
        return outcome;
    }

    public async Task<RerunOutcome?> RerunAsync(Guid taskId)
    {
        if (!(await authentication.GetAuthenticationStateAsync()).User.IsAdmin())
        {
            snackbar.Add("Only admins can run a task again.", Severity.Warning);
            return null;
        }

        var (outcome, _) = await commands.RerunAsync(taskId, await actor.GetAsync(), CancellationToken.None);
        snackbar.Add(outcome switch
        {
            RerunOutcome.Queued => "Queued again as a new attempt; earlier outputs are replaced when it runs.",
            RerunOutcome.VideoBusy => "Another ingestion of this video is pending or running; run this one again when it has finished.",
            RerunOutcome.NotFinished => "It is not finished yet.",
            _ => "That task no longer exists.",
        }, outcome == RerunOutcome.Queued ? Severity.Success : Severity.Warning);
        return outcome;
    }

    /// <summary>Re-runs failed tasks in bulk (admins); null when refused.</summary>
    public async Task<BulkRerunResult?> RerunFailedAsync(IReadOnlyCollection<Guid>? taskIds, IProgress<int> progress)
    {
        if (!(await authentication.GetAuthenticationStateAsync()).User.IsAdmin())
        {
            snackbar.Add("Only admins can run tasks again.", Severity.Warning);
            return null;
        }

        var by = await actor.GetAsync();
        // On the thread pool: thousands of tasks never hold up the page that asked.
        var result = await Task.Run(() => commands.RerunFailedAsync(taskIds, by, progress, CancellationToken.None));
        snackbar.Add($"{result.Queued:N0} task(s) queued again" + (result.Skipped > 0 ? $"; {result.Skipped:N0} left as they were (no longer failed, or their video is busy)." : "."),
            result.Skipped > 0 ? Severity.Warning : Severity.Success);
        return result;
    }

    /// <summary>Asks, then deletes a video with everything made from it (admins); true when it is gone.</summary>
    public async Task<bool> DeleteVideoAsync(Guid videoId, string? name)
    {
        if (!(await authentication.GetAuthenticationStateAsync()).User.IsAdmin())
        {
            snackbar.Add("Only admins can delete videos.", Severity.Warning);
            return false;
        }

        var confirmed = await dialogs.ShowMessageBoxAsync("Delete this video?",
            $"{name ?? "The video"} is deleted with its file, frames, audio, text, index entries and tasks. This cannot be undone.",
            yesText: "Delete", cancelText: "Cancel");
        if (confirmed != true)
        {
            return false;
        }

        var (outcome, detail) = await deletion.DeleteAsync(videoId, await actor.GetAsync(), CancellationToken.None);
        snackbar.Add(outcome switch
        {
            DeleteVideoOutcome.Deleted => "Video deleted.",
            DeleteVideoOutcome.NotFound => "It was already deleted.",
            _ => detail ?? "It is busy.",
        }, outcome == DeleteVideoOutcome.Deleted ? Severity.Success : Severity.Warning);
        return outcome is DeleteVideoOutcome.Deleted or DeleteVideoOutcome.NotFound;
    }

    /// <summary>
    /// The uploader keeps a copy of a video already in the library: it is ingested like any upload. Returns its
    /// ingestion task, or null when refused or gone (a sentence says why).
    /// </summary>
    public async Task<Guid?> KeepCopyAsync(Guid videoId)
    {
        if (!(await authentication.GetAuthenticationStateAsync()).User.CanUpload())
        {
            snackbar.Add("Only uploaders and admins can ingest videos.", Severity.Warning);
            return null;
        }

        await using var db = await dbFactory.CreateDbContextAsync();
        var path = await db.Videos.Where(v => v.Id == videoId).Select(v => v.StoredPath).FirstOrDefaultAsync();
        if (path is null)
        {
            snackbar.Add("That copy is no longer in the library.", Severity.Warning);
            return null;
        }

        try
        {
            var queued = await importer.QueueIngestionAsync(storage.ToAbsolute(path), await actor.GetAsync(), CancellationToken.None);
            return queued.Task?.Id;
        }
        catch (MediaException e)
        {
            snackbar.Add($"It could not be queued: {e.Message}", Severity.Error);
            return null;
        }
    }

    /// <summary>The uploader drops a copy of a video already in the library; true when it is gone.</summary>
    public async Task<bool> DropCopyAsync(Guid videoId)
    {
        var (outcome, detail) = await deletion.DeleteCopyAsync(videoId, await actor.GetAsync(), CancellationToken.None);
        if (outcome is DeleteVideoOutcome.Deleted or DeleteVideoOutcome.NotFound)
        {
            return true;
        }

        snackbar.Add(detail ?? "It could not be dropped.", Severity.Warning);
        return false;
    }
}
