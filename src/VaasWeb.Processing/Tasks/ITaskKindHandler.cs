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
