using Quartz;

namespace VaasWeb.Processing.Tasks;

/// <summary>
/// What a kind of task tells the generic task machinery: how its tasks reach the scheduler and what becomes of its
/// runs when a node dies. A feature implements one per kind it adds and registers it with
/// <see cref="TasksServiceCollectionExtensions.AddTaskKind{THandler}"/>; <see cref="TaskQueue"/>,
/// <see cref="TaskRecovery"/> and <see cref="QueueSweepJob"/> ask it instead of knowing the kind.
/// </summary>
public interface ITaskKindHandler
{
    TaskKind Kind { get; }

    /// <summary>
    /// Hands committed pending tasks of this kind to Quartz, in as few calls as it can (a bulk re-run brings
    /// thousands). <see cref="TaskQueue.TriggerFor"/> makes the usual one-trigger-per-task trigger.
    /// </summary>
    Task ScheduleAsync(IScheduler scheduler, IReadOnlyCollection<ProcessingTask> tasks, CancellationToken cancellationToken);

    /// <summary>A pending task that may have no trigger (lost on a restart, or never made): schedule it; true if that was needed.</summary>
    Task<bool> EnsureScheduledAsync(IScheduler scheduler, ProcessingTask task, CancellationToken cancellationToken);

    /// <summary>
    /// On start, before the scheduler runs: this node's tasks of this kind that were running when it stopped (their run
    /// is gone; the list may be empty). Each kind decides: run again as a new attempt, resume where it was, or end.
    /// </summary>
    Task RecoverAsync(IReadOnlyList<ProcessingTask> orphaned, CancellationToken cancellationToken);

    /// <summary>
    /// Whether this kind's running tasks write progress steadily, so that one silent for <c>Tasks:StallAfterSeconds</c> is
    /// stalled (<see cref="StallWatchJob"/>). False for work that legitimately waits without writing (a generation
    /// polling MiniMax writes only changes).
    /// </summary>
    bool WritesProgressSteadily => false;

    /// <summary>
    /// Running tasks of this kind that stayed stalled past <c>Tasks:StallGraceSeconds</c>, wherever they run (their node may
    /// be stuck or gone): end the run and decide, as after a crash. <paramref name="stillStalled"/> checks the row as it is
    /// when written and says in words what happened, or null when it moved meanwhile (see <see cref="CrashedRuns.RunAgainAfterStallAsync"/>).
    /// </summary>
    Task RecoverStalledAsync(IReadOnlyList<ProcessingTask> stalled, Func<ProcessingTask, DateTimeOffset, string?> stillStalled, CancellationToken cancellationToken) =>
        Task.CompletedTask;
}

/// <summary>The registered kinds, by kind.</summary>
public sealed class TaskKinds(IEnumerable<ITaskKindHandler> handlers)
{
    private readonly Dictionary<TaskKind, ITaskKindHandler> _handlers = handlers.ToDictionary(h => h.Kind);

    public IReadOnlyCollection<TaskKind> All => _handlers.Keys;

    public ITaskKindHandler this[TaskKind kind] =>
        _handlers.GetValueOrDefault(kind) ?? throw new NotSupportedException($"No task kind {kind} is registered on this node.");

    public bool IsKnown(TaskKind kind) => _handlers.ContainsKey(kind);

    /// <summary>A registered kind from its wire or stored name; null when it is none.</summary>
    public TaskKind? Parse(string? text) => TaskKind.TryParse(text) is { } kind && IsKnown(kind) ? kind : null;
}

/// <summary>
/// The usual kind: one trigger per task (keyed by the task id) on the job <see cref="JobFor"/> names, within an
/// optional execution group's limit. What is left to a kind is which job runs a task and what a crash means for it.
/// </summary>
public abstract class TriggeredTaskKind : ITaskKindHandler
{
    public abstract TaskKind Kind { get; }

    /// <summary>The Quartz execution group whose limit applies to these tasks' runs; null for none.</summary>
    protected virtual string? ExecutionGroup => null;

    /// <summary>The job that runs <paramref name="task"/>.</summary>
    protected abstract IJobDetail JobFor(ProcessingTask task);

    public async Task ScheduleAsync(IScheduler scheduler, IReadOnlyCollection<ProcessingTask> tasks, CancellationToken cancellationToken)
    {
        var jobs = new Dictionary<IJobDetail, IReadOnlyCollection<ITrigger>>();
        foreach (var ofJob in tasks.Select(t => (Task: t, Job: JobFor(t))).GroupBy(t => t.Job.Key))
        {
            var job = ofJob.First().Job;
            jobs[job] = ofJob.Select(t => TaskQueue.TriggerFor(t.Task, job, ExecutionGroup)).ToArray();
        }

        await scheduler.ScheduleJobs(jobs, ScheduleJobOptions.Replacing, cancellationToken);
    }

    public async Task<bool> EnsureScheduledAsync(IScheduler scheduler, ProcessingTask task, CancellationToken cancellationToken)
    {
        // A trigger that fired on a node which then died can linger as complete; it will not fire again.
        if (await scheduler.GetTriggerState(TaskQueue.TriggerKeyOf(task.Id), cancellationToken) is not (TriggerState.None or TriggerState.Complete or TriggerState.Error))
        {
            return false;
        }

        await ScheduleAsync(scheduler, [task], cancellationToken);
        return true;
    }

    public abstract Task RecoverAsync(IReadOnlyList<ProcessingTask> orphaned, CancellationToken cancellationToken);

    public virtual bool WritesProgressSteadily => false;

    public virtual Task RecoverStalledAsync(IReadOnlyList<ProcessingTask> stalled, Func<ProcessingTask, DateTimeOffset, string?> stillStalled, CancellationToken cancellationToken) =>
        Task.CompletedTask;
}
