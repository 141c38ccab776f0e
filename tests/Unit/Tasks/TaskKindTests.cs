using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Tasks;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.Tasks;

/// <summary>
/// A kind of task that exists only in this test, added the way the README's "Adding a task kind" says: a handler
/// and a job, registered in the host. The generic machinery schedules it, runs it, cancels it and recovers it
/// after a crash without knowing anything about it.
/// </summary>
public class TaskKindTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private ProcessingHost? _host;

    /// <summary>The database these tests run on; <c>OnPostgres/</c> runs them again on PostgreSQL.</summary>
    protected virtual DatabaseProvider Database => DatabaseProvider.Sqlite;

    public Task InitializeAsync() => Task.CompletedTask;

    [Fact]
    public async Task NewKind_IsScheduledAndRun_ReportingProgress_AndCompletes()
    {
        var host = await StartAsync();
        var task = await QueueAsync(host, "count to three");

        var done = await host.Events.WaitForFinishAsync(task.Id);

        Assert.Equal((TaskState.Completed, 100.0), (done.State, done.Progress));
        Assert.Contains(host.Events.For(task.Id), s => s is { State: TaskState.InProgress, Step: "counting", Progress: > 0 and < 100 });
        Assert.Equal(CountdownJob.WorkerOf(host), (await ReadAsync(host, task.Id)).WorkerId);
        Assert.Equal(["queued", "started (attempt 1)", "counted to three"], await ReasonsAsync(host, task.Id));
    }

    [Fact]
    public async Task NewKind_CancelledWhileRunning_StopsItsWorkAndEndsCancelled()
    {
        var host = await StartAsync();
        var gate = host.Get<CountdownGate>();
        gate.Hold();
        var task = await QueueAsync(host, "wait for the gate");
        await host.Events.WaitForAsync(task.Id, s => s.State == TaskState.InProgress);

        var (outcome, _) = await host.Get<TaskCommands>().CancelAsync(task.Id, TestActors.Named("ana"), null, CancellationToken.None);

        Assert.Equal(CancelOutcome.Stopping, outcome);
        var done = await host.Events.WaitForFinishAsync(task.Id);
        Assert.Equal((TaskState.Failed, "cancelled", "cancelled by ana"), (done.State, done.ErrorCode, done.ErrorMessage));
        Assert.True(gate.SawCancellation, "the job's own work was stopped, not just the row changed");
    }

    [Fact]
    public async Task NewKind_LeftRunningByACrash_IsRecoveredByItsOwnRule_AndRunsAgain()
    {
        var data = _temp.Combine("data");
        Guid taskId;
        await using (var first = await ProcessingHost.StartAsync(data, database: Database))
        {
            // What a killed process leaves: a row of a kind that host does not even know, running on this node.
            await using var db = await first.DbAsync();
            var task = ProcessingTask.Create(CountdownKind.Name, null, "queued", DateTimeOffset.UtcNow, "count after a crash");
            task.Start("test-node", DateTimeOffset.UtcNow);
            db.Tasks.Add(task);
            await db.SaveChangesAsync();
            taskId = task.Id;
        }

        var host = await StartAsync(data);

        var done = await host.Events.WaitForFinishAsync(taskId);
        Assert.Equal((TaskState.Completed, 2), (done.State, done.Attempt));
        Assert.Contains("the server stopped before its first step; re-queued as run 2 of 3 (attempt 2)", await ReasonsAsync(host, taskId));
    }

    private async Task<ProcessingHost> StartAsync(string? data = null) =>
        _host = await ProcessingHost.StartAsync(data ?? _temp.Combine("data"), configure: services => services
            .AddTaskKind<CountdownKind>()
            .AddTransient<CountdownJob>()
            .AddSingleton<CountdownGate>(), database: Database);

    private static async Task<ProcessingTask> QueueAsync(ProcessingHost host, string title)
    {
        var task = ProcessingTask.Create(CountdownKind.Name, null, "queued", DateTimeOffset.UtcNow, title);
        await using (var db = await host.DbAsync())
        {
            db.Tasks.Add(task);
            await db.SaveChangesAsync();
        }

        await host.Get<TaskQueue>().EnqueueAsync(task, CancellationToken.None);
        return task;
    }

    private static async Task<ProcessingTask> ReadAsync(ProcessingHost host, Guid taskId)
    {
        await using var db = await host.DbAsync();
        return await db.Tasks.AsNoTracking().SingleAsync(t => t.Id == taskId);
    }

    private static async Task<List<string>> ReasonsAsync(ProcessingHost host, Guid taskId)
    {
        await using var db = await host.DbAsync();
        return await db.TaskHistory.Where(h => h.TaskId == taskId).OrderBy(h => h.Id).Select(h => h.Reason).ToListAsync();
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _temp.Dispose();
    }
}

/// <summary>The test's kind: one trigger per task on <see cref="CountdownJob"/>; after a crash, run again (up to 3 runs).</summary>
internal sealed class CountdownKind(CrashedRuns crashed) : TriggeredTaskKind
{
    public static readonly TaskKind Name = new("Countdown");

    public override TaskKind Kind => Name;

    protected override IJobDetail JobFor(ProcessingTask task) =>
        JobBuilder.Create<CountdownJob>().WithIdentity(new JobKey("countdown", "test")).StoreDurably().Build();

    public override Task RecoverAsync(IReadOnlyList<ProcessingTask> orphaned, CancellationToken cancellationToken) =>
        crashed.RunAgainAsync(orphaned, maxAttempts: 3, cancellationToken);
}

/// <summary>Counts to three, reporting each step; waits at the gate while a test holds it.</summary>
internal sealed class CountdownJob(TaskRunner runner, CountdownGate gate) : IJob
{
    public static string WorkerOf(ProcessingHost host) => host.Get<WorkerIdentity>().Id;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await runner.ClaimAndRunAsync(TaskQueue.TaskIdOf(context), new TaskRunPolicy("counting"), async run =>
        {
            for (var i = 1; i <= 3; i++)
            {
                await gate.PassAsync(run.Token);
                run.Progress.Report("counting", i * 100.0 / 4);
                await run.Progress.FlushAsync(run.Token);
            }

            return TaskOutcome.Completed("counted to three");
        }, cancellationToken);
}

/// <summary>Lets a test keep a countdown running until it has done what it wanted (cancel it).</summary>
internal sealed class CountdownGate
{
    private TaskCompletionSource _open = CreateOpen();

    public bool SawCancellation { get; private set; }

    public void Hold() => _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task PassAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _open.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            SawCancellation = true;
            throw;
        }
    }

    private static TaskCompletionSource CreateOpen()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }
}
