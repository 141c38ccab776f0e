using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using VaasWeb.Processing.Tasks;
using VaasWeb.Security;

namespace VaasWeb.Components.Shared;

/// <summary>
/// Cancel and re-run as pages offer them: the same permission checks as the REST API (the buttons being hidden is
/// not the check), the person named in the task's history and the audit log, and a sentence on what happened.
/// </summary>
public sealed class TaskActions(TaskCommands commands, CurrentActor actor, AuthenticationStateProvider authentication, ISnackbar snackbar)
{
    public async Task<CancelOutcome> CancelAsync(Guid taskId)
    {
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
}
