using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Failures;
using VaasWeb.Processing.Generation.MiniMax;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Telemetry;

namespace VaasWeb.Processing.Generation;

/// <summary>
/// Asks MiniMax about every in-flight generation once per <see cref="MiniMaxOptions.PollInterval"/>. Each one has
/// its own next-poll time, so polls are spread over the interval as the generations were accepted (or, after a
/// restart, evenly) rather than sent in a burst; a generation is never polled twice at once, and at most
/// <see cref="MiniMaxOptions.MaxConcurrentPolls"/> polls are out at a time. <see cref="GenerationPollClock"/> is the
/// clock: it calls <see cref="DispatchDue"/> every second.
/// </summary>
public sealed class GenerationPoller(
    IServiceProvider services,
    TaskLifecycle lifecycle,
    TaskRunner runner,
    GenerationRetrievals retrievals,
    IOptions<MiniMaxOptions> options,
    IHostApplicationLifetime lifetime,
    VaasMetrics metrics,
    ILogger<GenerationPoller> logger) : IAsyncDisposable
{
    /// <summary>A poll that failed for now is tried again at the next interval; a shutdown leaves the generation for the next start.</summary>
    private static readonly TaskRunPolicy Policy = new("polling", OnShutdown: OnShutdown.LeaveRunning);

    private readonly ConcurrentDictionary<Guid, Tracked> _tracked = new();
    private readonly ConcurrentDictionary<Task, byte> _polls = new();
    private readonly SemaphoreSlim _slots = new(Math.Max(options.Value.MaxConcurrentPolls, 1));
    private readonly List<PendingWrite> _writes = [];
    private bool _writing;

    public int Count => _tracked.Count;

    public bool IsTracking(Guid taskId) => _tracked.ContainsKey(taskId);

    /// <summary>Follows an accepted generation until MiniMax finishes it, it is cancelled, or its deadline passes.</summary>
    public void Track(Guid taskId, string miniMaxTaskId, DateTimeOffset firstPollAt, DateTimeOffset deadline, string? lastStatus = null)
    {
        var tracked = new Tracked(taskId, miniMaxTaskId, deadline) { NextPollAt = firstPollAt, LastStatus = lastStatus };
        if (!_tracked.TryAdd(taskId, tracked))
        {
            return;
        }

        // A cancel stops the poll in flight and ends the task; MiniMax has no way to stop a generation.
        tracked.Registration = runner.Hold(taskId, tracked.Stop);
        tracked.Stop.Token.Register(() => _ = CancelledAsync(tracked));
    }

    /// <summary>Stops following a generation as if its cancel had arrived here: the task ends as cancelled.</summary>
    public void Stop(Guid taskId)
    {
        if (_tracked.TryGetValue(taskId, out var tracked))
        {
            tracked.Stop.Cancel();
        }
    }

    /// <summary>
    /// How much sooner than a whole interval a poll may start. Ticks come every second and fire a little late now and
    /// then; without this, a poll due a few milliseconds after a tick would wait a whole second, and every round would
    /// take the interval plus a second. Two polls of one task are never closer than the interval minus this.
    /// </summary>
    public static readonly TimeSpan TickTolerance = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Starts the polls that are due, oldest first; returns how many. Called every second. At most a second's share
    /// of all tracked tasks is started per call (with some slack), so generations accepted in a burst (a restart, a
    /// high submit rate) are spread over the interval instead of all being asked about in the same second; each then
    /// keeps its place, because its next poll is counted from when its own last one started.
    /// </summary>
    public int DispatchDue()
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return 0;
        }

        var now = lifecycle.Now;
        var interval = options.Value.PollInterval;
        var budget = PerTickBudget(_tracked.Count, interval);
        var due = _tracked.Values.Where(t => t.NextPollAt <= now && Volatile.Read(ref t.InFlight) == 0)
            .OrderBy(t => t.NextPollAt)
            .Take(budget)
            .ToList();
        var started = 0;
        foreach (var tracked in due)
        {
            if (Interlocked.CompareExchange(ref tracked.InFlight, 1, 0) != 0)
            {
                continue;
            }

            // One poll per interval, counted from when each starts; PollAsync pushes it back after a poll that overran.
            tracked.DispatchedAt = now;
            tracked.NextPollAt = now + interval - TickTolerance;
            var poll = PollAsync(tracked);
            _polls.TryAdd(poll, 0);
            _ = poll.ContinueWith(done => _polls.TryRemove(done, out _), TaskScheduler.Default);
            started++;
        }

        return started;
    }

    /// <summary>Polls one tick may start: a 1 s share of one round over all tasks, plus a fifth and one for slack.</summary>
    public static int PerTickBudget(int tracked, TimeSpan interval) =>
        (int)Math.Ceiling(tracked / Math.Max(interval.TotalSeconds, 1) * 1.2) + 1;

    private async Task PollAsync(Tracked tracked)
    {
        var stopping = lifetime.ApplicationStopping;
        try
        {
            await _slots.WaitAsync(stopping);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Exchange(ref tracked.InFlight, 0);
            return;
        }

        // The interval is counted from when the request leaves, not from when the tick picked it: a poll that waited
        // for a slot does not bring the next one closer.
        tracked.DispatchedAt = lifecycle.Now;
        var holdsSlot = true;
        void ReleaseSlot()
        {
            if (holdsSlot)
            {
                holdsSlot = false;
                _slots.Release();
            }
        }

        try
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(tracked.Stop.Token, stopping);
            var client = services.GetRequiredService<MiniMaxClient>();
            metrics.Poll();
            var report = await client.QueryAsync(tracked.MiniMaxTaskId, stop.Token);
            // The slot limits requests to MiniMax; writing what the answer said waits for others' writes (WriteAsync).
            ReleaseSlot();
            await HandleAsync(tracked, report);
        }
        catch (OperationCanceledException)
        {
            // Cancelled (the cancel handler ends the task) or shutting down (the next start resumes polling).
        }
        catch (MiniMaxException e) when (e.IsTransient)
        {
            ReleaseSlot();
            await TroubleAsync(tracked, e.Message);
        }
        catch (MiniMaxException e)
        {
            Untrack(tracked);
            await runner.EndFailedAsync(tracked.TaskId, e, Policy);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Polling generation {TaskId} failed unexpectedly", tracked.TaskId);
            ReleaseSlot();
            await TroubleAsync(tracked, $"unexpected error: {e.Message}");
        }
        finally
        {
            // Retries belong to the poll they retry. A poll that ran long (slow answers, retries) is followed by at
            // least half an interval of quiet rather than by the next poll at once.
            var interval = options.Value.PollInterval;
            var afterQuiet = lifecycle.Now + interval / 2;
            var onSchedule = tracked.DispatchedAt + interval - TickTolerance;
            tracked.NextPollAt = afterQuiet > onSchedule ? afterQuiet : onSchedule;
            Interlocked.Exchange(ref tracked.InFlight, 0);
            ReleaseSlot();
        }

        if (_tracked.ContainsKey(tracked.TaskId) && lifecycle.Now >= tracked.Deadline)
        {
            var limit = options.Value.TimeoutMinutes;
            Untrack(tracked);
            await runner.EndFailedAsync(tracked.TaskId, new TaskFailureException(ErrorCodes.Timeout,
                $"MiniMax had not finished after {limit:0.#} minutes (last status: {tracked.LastStatus ?? "unknown"}); not waiting longer."), Policy);
        }
    }

    /// <summary>
    /// A status MiniMax sent to this generation's callback URL (the caller checked that the URL and the MiniMax task id
    /// are this generation's). Handled as a poll's answer would be: on the node that follows the generation it is that
    /// node's answer; on another node the end it reports is recorded here, and the following node's next poll finds
    /// the generation moved on and lets go of it. False when nothing was waiting for it.
    /// </summary>
    public async Task<bool> AcceptCallbackAsync(Guid taskId, GenerationReport report)
    {
        if (_tracked.TryGetValue(taskId, out var tracked))
        {
            await HandleAsync(tracked, report);
            return true;
        }

        return report.Status switch
        {
            MiniMaxTaskStatus.Success => await SucceededAsync(taskId, report) is not null,
            MiniMaxTaskStatus.Fail => await FailedAsync(taskId, report),
            // Progress in between is the following node's to show (its next poll); nothing to do here.
            _ => true,
        };
    }

    private async Task HandleAsync(Tracked tracked, GenerationReport report)
    {
        switch (report.Status)
        {
            case MiniMaxTaskStatus.Success:
                Untrack(tracked);
                await SucceededAsync(tracked.TaskId, report);
                break;
            case MiniMaxTaskStatus.Fail:
                Untrack(tracked);
                await FailedAsync(tracked.TaskId, report);
                break;
            default:
                if (report.RawStatus == tracked.LastStatus && tracked.LastError is null)
                {
                    return;
                }

                tracked.LastStatus = report.RawStatus;
                tracked.LastError = null;
                var reported = await WriteAsync(tracked.TaskId, async (db, task, now) =>
                {
                    if (task.FailIfCancelRequested(now))
                    {
                        return true;
                    }

                    var generation = await db.Generations.FindAsync(tracked.TaskId);
                    if (generation!.Phase != GenerationPhase.Generating)
                    {
                        // A callback on another node moved it on since this poll left.
                        return false;
                    }

                    generation.Report(report.RawStatus);
                    generation.NoteTrouble(null);
                    return task.ReportStep(GenerationSteps.Generate, GenerationSteps.ProgressOf(report.Status), $"MiniMax: {report.RawStatus}", now);
                });
                UntrackUnlessRunning(tracked, reported);
                break;
        }
    }

    /// <summary>
    /// MiniMax made the video: the generation moves on to storing it, once. Whoever heard first (a poll here, a
    /// callback on any node) makes the move; the task's version makes a second one a no-op that schedules nothing.
    /// Returns the change, or null when the generation was not waiting for MiniMax.
    /// </summary>
    private async Task<TaskChange?> SucceededAsync(Guid taskId, GenerationReport report)
    {
        var change = await lifecycle.ChangeRunningAsync(taskId, async (db, task, now) =>
        {
            var generation = await db.Generations.FindAsync(taskId);
            if (generation is not { Phase: GenerationPhase.Generating })
            {
                return false;
            }

            generation.Succeeded(report.FileId!, report.Width, report.Height);
            if (task.FailIfCancelRequested(now, $"MiniMax had made the video (file {report.FileId}); it is not fetched"))
            {
                return true;
            }

            return task.ReportStep(GenerationSteps.Download, GenerationSteps.ProgressOf(GenerationPhase.Retrieving), "MiniMax: Success; fetching the file", now);
        });
        if (change is not { Changed: true })
        {
            return null;
        }

        if (change.Task.State == TaskState.InProgress)
        {
            await retrievals.ScheduleAsync(taskId, TimeSpan.Zero);
        }

        return change;
    }

    /// <summary>MiniMax could not make the video: the task fails with MiniMax's reason. False when it was no longer running.</summary>
    private async Task<bool> FailedAsync(Guid taskId, GenerationReport report)
    {
        var current = await lifecycle.GetSnapshotAsync(taskId, CancellationToken.None);
        if (current is not { State: TaskState.InProgress })
        {
            return false;
        }

        var reason = report.FailCode is { } code ? MiniMaxErrorCodes.Describe(code, report.FailMessage) : report.FailMessage ?? "no reason given";
        logger.LogInformation("Generation {TaskId}: MiniMax failed it: {Reason}", taskId, reason);
        await runner.EndFailedAsync(taskId, new TaskFailureException(
            report.FailCode is { } c ? ErrorCodes.MiniMax(c.ToString(System.Globalization.CultureInfo.InvariantCulture)) : ErrorCodes.MiniMaxFail,
            $"MiniMax could not make the video: {reason}"), Policy);
        return true;
    }

    /// <summary>The task keeps running and the next poll tries again; only its deadline ends it. Written when the trouble changes.</summary>
    private async Task TroubleAsync(Tracked tracked, string error)
    {
        if (error == tracked.LastError)
        {
            return;
        }

        tracked.LastError = error;
        var interval = options.Value.PollIntervalSeconds;
        var noted = await WriteAsync(tracked.TaskId, async (db, task, now) =>
        {
            if (task.FailIfCancelRequested(now))
            {
                return true;
            }

            var generation = await db.Generations.FindAsync(tracked.TaskId);
            generation!.NoteTrouble(error);
            var status = tracked.LastStatus is null ? "" : $"MiniMax: {tracked.LastStatus}; ";
            return task.ReportStep(GenerationSteps.Generate, task.Progress, $"{status}the last check failed ({error}); asking again in {interval:0} s", now);
        });
        UntrackUnlessRunning(tracked, noted);
    }

    /// <summary>
    /// Writes a running generation's change together with the others that arrive meanwhile: the polls a tick starts
    /// end within a few hundred milliseconds of one another, and one transaction for all their changes costs little more
    /// than one for each (with 1,000 in flight, a write per change was most of the poller's CPU). The first poll to
    /// arrive writes, after <see cref="WriteGathering"/>, what has gathered by then, and goes on while more waits.
    /// </summary>
    private async Task<TaskChange?> WriteAsync(Guid taskId, Func<VaasDbContext, ProcessingTask, DateTimeOffset, Task<bool>> change)
    {
        var write = new PendingWrite(taskId, change);
        bool leads;
        lock (_writes)
        {
            _writes.Add(write);
            leads = !_writing;
            _writing = true;
        }

        if (!leads)
        {
            return await write.Done.Task;
        }

        await Task.Delay(WriteGathering, CancellationToken.None);
        while (true)
        {
            List<PendingWrite> batch;
            lock (_writes)
            {
                if (_writes.Count == 0)
                {
                    _writing = false;
                    break;
                }

                batch = [.. _writes];
                _writes.Clear();
            }

            try
            {
                var results = await lifecycle.ChangeRunningAsync([.. batch.Select(w => (w.TaskId, w.Change))],
                    (db, ids) => db.Generations.Where(g => ids.Contains(g.TaskId)).LoadAsync());
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.TrySetResult(results[i]);
                }
            }
            catch (Exception e)
            {
                foreach (var pending in batch)
                {
                    pending.Done.TrySetException(e);
                }
            }
        }

        return await write.Done.Task;
    }

    /// <summary>How long the first change of a batch waits for others; a change reaches the board this much later.</summary>
    private static readonly TimeSpan WriteGathering = TimeSpan.FromMilliseconds(100);

    private sealed record PendingWrite(Guid TaskId, Func<VaasDbContext, ProcessingTask, DateTimeOffset, Task<bool>> Change)
    {
        public TaskCompletionSource<TaskChange?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>A task that is no longer running (ended by a cancel, or elsewhere) or no longer waiting for MiniMax is not polled again.</summary>
    private void UntrackUnlessRunning(Tracked tracked, TaskChange? change)
    {
        if (change is null || change.Task.State != TaskState.InProgress || !change.Changed)
        {
            Untrack(tracked);
        }
    }

    private async Task CancelledAsync(Tracked tracked)
    {
        Untrack(tracked);
        await runner.EndFailedAsync(tracked.TaskId, new OperationCanceledException(tracked.Stop.Token), Policy);
    }

    private void Untrack(Tracked tracked)
    {
        if (_tracked.TryRemove(new KeyValuePair<Guid, Tracked>(tracked.TaskId, tracked)))
        {
            tracked.Registration?.Dispose();
        }
    }

    /// <summary>Waits (briefly) for polls in flight, so none writes after the services it uses are gone.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await Task.WhenAll(_polls.Keys).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "Polls still out at shutdown");
        }

        _slots.Dispose();
    }

    private sealed class Tracked(Guid taskId, string miniMaxTaskId, DateTimeOffset deadline)
    {
        public Guid TaskId { get; } = taskId;
        public string MiniMaxTaskId { get; } = miniMaxTaskId;
        public DateTimeOffset Deadline { get; } = deadline;
        public CancellationTokenSource Stop { get; } = new();
        public IDisposable? Registration { get; set; }
        public DateTimeOffset NextPollAt { get; set; }
        public DateTimeOffset DispatchedAt { get; set; }
        public string? LastStatus { get; set; }
        public string? LastError { get; set; }

#pragma warning disable SA1401 // Interlocked needs a field.
        public int InFlight;
#pragma warning restore SA1401
    }
}

/// <summary>
/// The poller's clock: every second, start the polls that are due. A timer of each node's own, not a Quartz job: in a
/// cluster a Quartz trigger fires on one node only, and each node polls the generations it holds.
/// </summary>
public sealed class GenerationPollClock(GenerationPoller poller, ILogger<GenerationPollClock> logger) : BackgroundService
{
    public static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Real seconds, as Quartz ticked before; what is due is judged on the app's clock.
        using var timer = new PeriodicTimer(Tick);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    poller.DispatchDue();
                }
                catch (Exception e)
                {
                    logger.LogError(e, "Starting the due generation polls failed; trying again in a second");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
