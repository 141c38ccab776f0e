using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Storage;
using VaasWeb.Processing.Tasks;

namespace VaasWeb.Processing.Cluster;

/// <summary>
/// What each node does for the cluster, every <see cref="Interval"/>:
/// <list type="bullet">
/// <item>a cancel pressed on another node reaches work held here that writes nothing for a while (a generation
/// being polled); work that reports progress already sees the request when it writes;</item>
/// <item>tasks left running by a node Quartz has declared dead are adopted: one node wins each task (a conditional
/// update), and the task's kind decides, as after a restart, whether it runs again as a new attempt or resumes
/// (polling a generation, fetching its result);</item>
/// <item>the media root is checked to be shared: every node leaves a mark in <c>{media}/.nodes/</c>, and a live node
/// whose mark is missing here points at another folder.</item>
/// </list>
/// </summary>
public sealed class NodeWatch(
    IDbContextFactory<VaasDbContext> dbFactory,
    ClusterNodes nodes,
    RunningTasks running,
    TaskKinds kinds,
    TaskQueue queue,
    WorkerIdentity worker,
    MediaStorage media,
    TimeProvider clock,
    ILogger<NodeWatch> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly HashSet<string> _warnedUnshared = [];

    /// <summary>Live nodes whose media-root mark this node cannot see (empty when the media root is shared).</summary>
    public IReadOnlyCollection<string> Unshared { get; private set; } = [];

    /// <summary>The nodes in the cluster at the last look.</summary>
    public IReadOnlyList<ClusterNode> LastSeen { get; private set; } = [];

    public string MarksDirectory => Path.Combine(media.Root, ".nodes");

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Runs before Quartz starts (registered first): a recent check-in under this name is another live process,
        // unless it is this node's previous run, which marked its clean stop.
        var now = clock.GetUtcNow();
        if (await nodes.CheckedInRecentlyAsync(worker.Id, now, ClusterScheduler.CheckinMisfireThreshold, cancellationToken) is { } taken
            && !StoppedCleanly(worker.Id))
        {
            throw new ClusterConfigurationException(
                $"Worker:Id '{worker.Id}' is taken: a node with that name checked in {(now - taken.LastCheckin).TotalSeconds:0} s ago. "
                + $"Give every node its own Worker:Id; if that node was this one and it just stopped, start again after {ClusterScheduler.CheckinMisfireThreshold.TotalSeconds:0} s.");
        }

        try
        {
            Directory.CreateDirectory(MarksDirectory);
            await File.WriteAllTextAsync(MarkOf(worker.Id), $"{worker.Id} {Environment.MachineName} {clock.GetUtcNow():O} {RunningMark}\n", cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ClusterConfigurationException(
                $"Storage:MediaRoot ({media.Root}) is not writable by this node ({e.Message}); every node needs the same shared, writable folder there.", e);
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await StopCancelledHereAsync(stoppingToken);
                    var live = await nodes.ListAsync(stoppingToken);
                    LastSeen = live;
                    CheckShared(live);
                    await AdoptOrphansAsync(live, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The database may be away for a moment; the next round tries again.
                    logger.LogWarning(e, "Watching the cluster failed this round");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task StopCancelledHereAsync(CancellationToken cancellationToken)
    {
        var here = running.Ids;
        if (here.Count == 0)
        {
            return;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var cancelled = await db.Tasks.AsNoTracking()
            .Where(t => here.Contains(t.Id) && t.CancelRequestedAt != null)
            .Select(t => t.Id)
            .ToListAsync(cancellationToken);
        foreach (var taskId in cancelled)
        {
            logger.LogInformation("Task {TaskId}: a cancel asked for on another node stops its run here", taskId);
            running.TryStop(taskId);
        }
    }

    private void CheckShared(IReadOnlyList<ClusterNode> live)
    {
        var unshared = live.Select(n => n.Id).Where(id => id != worker.Id && !File.Exists(MarkOf(id))).ToArray();
        foreach (var id in unshared.Where(_warnedUnshared.Add))
        {
            logger.LogWarning(
                "Storage:MediaRoot is not shared with node {Node}: its mark is missing from {Folder}. Every node must point Storage:MediaRoot at the same shared folder, or videos stored by one node are missing on the others",
                id, MarksDirectory);
        }

        Unshared = unshared;
    }

    private async Task AdoptOrphansAsync(IReadOnlyList<ClusterNode> live, CancellationToken cancellationToken)
    {
        var liveIds = live.Select(n => n.Id).ToHashSet();
        if (!liveIds.Contains(worker.Id))
        {
            // This node has not checked in yet (just started), or the cluster thinks it is gone: do not judge others.
            return;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var settled = clock.GetUtcNow() - ClusterScheduler.CheckinMisfireThreshold;
        var candidates = (await db.Tasks.AsNoTracking().Include(t => t.Video)
                .Where(t => t.State == TaskState.InProgress && t.WorkerId != null && t.WorkerId != worker.Id)
                .OrderBy(t => t.StartedAt)
                .ToListAsync(cancellationToken))
            .Where(t => !liveIds.Contains(t.WorkerId!) && t.UpdatedAt <= settled && kinds.IsKnown(t.Kind))
            .ToList();
        if (candidates.Count == 0)
        {
            return;
        }

        var adopted = new List<ProcessingTask>();
        foreach (var task in candidates)
        {
            // One node wins each task: the update only applies while the dead node still holds it.
            var won = await db.Tasks
                .Where(t => t.Id == task.Id && t.State == TaskState.InProgress && t.WorkerId == task.WorkerId)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.WorkerId, worker.Id), cancellationToken);
            if (won == 1)
            {
                adopted.Add(task);
            }
        }

        foreach (var ofKind in adopted.GroupBy(t => t.Kind))
        {
            logger.LogWarning("Taking over {Count} {Kind} task(s) that node(s) {Nodes} left running when they stopped checking in",
                ofKind.Count(), ofKind.Key, string.Join(", ", ofKind.Select(t => t.WorkerId).Distinct()));
            await kinds[ofKind.Key].RecoverAsync(ofKind.ToList(), cancellationToken);
        }

        var adoptedIds = adopted.Select(t => t.Id).ToArray();
        var requeued = await db.Tasks.AsNoTracking().Where(t => adoptedIds.Contains(t.Id) && t.State == TaskState.Pending).ToListAsync(cancellationToken);
        foreach (var task in requeued)
        {
            await queue.EnsureScheduledAsync(task, cancellationToken);
        }
    }

    /// <summary>After Quartz has stopped (it stops first: registered later): the mark says this run ended cleanly.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await File.WriteAllTextAsync(MarkOf(worker.Id), $"{worker.Id} {Environment.MachineName} {clock.GetUtcNow():O} {StoppedMark}\n", CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(e, "Could not mark this node's clean stop in {Folder}; starting it again within {Seconds} s will be refused", MarksDirectory, ClusterScheduler.CheckinMisfireThreshold.TotalSeconds);
        }
    }

    private const string RunningMark = "running";
    private const string StoppedMark = "stopped";

    private bool StoppedCleanly(string nodeId)
    {
        try
        {
            return File.ReadAllText(MarkOf(nodeId)).TrimEnd().EndsWith(StoppedMark, StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private string MarkOf(string nodeId) => Path.Combine(MarksDirectory, string.Concat(nodeId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')));
}

/// <summary>A node cannot join the cluster as configured; the message names the setting and what to do.</summary>
public sealed class ClusterConfigurationException(string message, Exception? inner = null) : Exception(message, inner);
