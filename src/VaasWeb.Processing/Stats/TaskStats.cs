using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Failures;
using VaasWeb.Processing.Tasks;

namespace VaasWeb.Processing.Stats;

/// <summary>One hour of the window: the tasks that ended in it, by how they ended.</summary>
public sealed record HourCount(DateTimeOffset Start, int Completed, int Failed, int Cancelled);

/// <summary>A reason tasks failed, with how often, the newest message and what to do about it.</summary>
public sealed record FailureReason(string Code, int Count, string LatestMessage, string Advice);

/// <summary>How long one step took when it completed: median and 95th percentile (nearest rank), in seconds.</summary>
public sealed record StepTiming(string Step, int Count, double MedianSeconds, double P95Seconds);

/// <summary>MiniMax generations that ended in the window; cancelled ones count for neither side of the rate.</summary>
public sealed record GenerationStats(int Completed, int Failed, double? SuccessRate, double? MedianSecondsToVideo, double? P95SecondsToVideo);

/// <summary>Tasks waiting and running now, per kind.</summary>
public sealed record QueueDepth(TaskKind Kind, int Pending, int Running);

/// <summary>
/// What the Stats page shows for one window. <see cref="WorkSecondsPerVideoMinute"/> is the completed ingestions'
/// step time (their last attempt) over their videos' minutes: what a minute of video costs the server.
/// </summary>
public sealed record TaskStatsReport(
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyList<HourCount> Hours,
    IReadOnlyList<FailureReason> Failures,
    IReadOnlyList<StepTiming> Steps,
    double? WorkSecondsPerVideoMinute,
    int IngestionsMeasured,
    GenerationStats Generations,
    IReadOnlyList<QueueDepth> Queue)
{
    public int Completed => Hours.Sum(h => h.Completed);

    public int Failed => Hours.Sum(h => h.Failed);

    public int Cancelled => Hours.Sum(h => h.Cancelled);
}

/// <summary>
/// The Stats page's numbers, read from the database (so they are right after a restart and count every node's
/// work): the window's finished tasks and completed steps are read as a few narrow columns and summed here, which
/// needs no provider-specific SQL and stays quick for a week of work (tens of thousands of rows).
/// </summary>
public sealed class TaskStats(IDbContextFactory<VaasDbContext> dbFactory, TimeProvider clock)
{
    public static readonly TimeSpan Day = TimeSpan.FromHours(24);
    public static readonly TimeSpan Week = TimeSpan.FromDays(7);

    public async Task<TaskStatsReport> ReadAsync(TimeSpan window, CancellationToken cancellationToken = default)
    {
        var to = clock.GetUtcNow();
        // Whole hours, so a bar is always one hour and the newest one fills as it goes.
        var firstHour = new DateTimeOffset(to.Year, to.Month, to.Day, to.Hour, 0, 0, TimeSpan.Zero) - window + TimeSpan.FromHours(1);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);

        var ended = await db.Tasks.AsNoTracking()
            .Where(t => t.FinishedAt >= firstHour && (t.State == TaskState.Completed || t.State == TaskState.Failed))
            .Select(t => new EndedTask(t.Id, t.Kind, t.State, t.ErrorCode, t.ErrorMessage, t.Attempt, t.CreatedAt, t.FinishedAt!.Value, t.Video!.DurationSeconds))
            .ToListAsync(cancellationToken);
        var steps = await db.TaskSteps.AsNoTracking()
            .Where(s => s.State == StepState.Completed && s.FinishedAt >= firstHour)
            .Select(s => new CompletedStep(s.TaskId, s.Attempt, s.Name, s.StartedAt, s.FinishedAt!.Value))
            .ToListAsync(cancellationToken);
        var active = await db.Tasks.AsNoTracking()
            .Where(t => t.State == TaskState.Pending || t.State == TaskState.InProgress)
            .GroupBy(t => new { t.Kind, t.State })
            .Select(g => new { g.Key.Kind, g.Key.State, Count = g.Count() })
            .ToListAsync(cancellationToken);

        return new TaskStatsReport(
            firstHour,
            to,
            Hours(ended, firstHour, window),
            Failures(ended),
            Timings(steps),
            WorkPerVideoMinute(ended, steps, out var measured),
            measured,
            Generations(ended),
            active.GroupBy(a => a.Kind).OrderBy(g => g.Key.Name, StringComparer.Ordinal)
                .Select(g => new QueueDepth(g.Key, g.Where(a => a.State == TaskState.Pending).Sum(a => a.Count), g.Where(a => a.State == TaskState.InProgress).Sum(a => a.Count)))
                .ToList());
    }

    /// <summary>The nearest-rank percentile of sorted values (p in 0..1): the smallest value with at least p of them at or below it.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            throw new ArgumentException("No values.", nameof(sorted));
        }

        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    private static List<HourCount> Hours(List<EndedTask> ended, DateTimeOffset firstHour, TimeSpan window)
    {
        var hours = (int)Math.Round(window.TotalHours);
        var counts = new int[hours, 3];
        foreach (var task in ended)
        {
            var hour = (int)Math.Floor((task.FinishedAt - firstHour).TotalHours);
            if (hour is >= 0 && hour < hours)
            {
                counts[hour, (int)task.Outcome]++;
            }
        }

        return Enumerable.Range(0, hours).Select(h => new HourCount(firstHour.AddHours(h), counts[h, 0], counts[h, 1], counts[h, 2])).ToList();
    }

    private static List<FailureReason> Failures(List<EndedTask> ended) =>
        ended.Where(t => t.Outcome == Outcome.Failed)
            .GroupBy(t => t.ErrorCode ?? ErrorCodes.InternalError)
            .Select(g =>
            {
                var latest = g.MaxBy(t => t.FinishedAt)!;
                return new FailureReason(g.Key, g.Count(), latest.ErrorMessage ?? "", ErrorCodes.AdviceFor(g.Key));
            })
            .OrderByDescending(f => f.Count).ThenBy(f => f.Code, StringComparer.Ordinal)
            .ToList();

    private static List<StepTiming> Timings(List<CompletedStep> steps) =>
        steps.GroupBy(s => s.Name)
            .Select(g =>
            {
                var seconds = g.Select(s => s.Seconds).Order().ToList();
                return new StepTiming(g.Key, seconds.Count, Percentile(seconds, 0.5), Percentile(seconds, 0.95));
            })
            .OrderBy(s => steps.Where(x => x.Name == s.Step).Min(x => x.StartedAt))
            .ToList();

    private static double? WorkPerVideoMinute(List<EndedTask> ended, List<CompletedStep> steps, out int measured)
    {
        var byTask = steps.ToLookup(s => (s.TaskId, s.Attempt));
        double work = 0, minutes = 0;
        measured = 0;
        foreach (var task in ended.Where(t => t.Kind == TaskKind.Ingestion && t.Outcome == Outcome.Completed && t.VideoSeconds > 0))
        {
            var own = byTask[(task.Id, task.Attempt)].ToList();
            if (own.Count == 0)
            {
                continue;
            }

            work += own.Sum(s => s.Seconds);
            minutes += task.VideoSeconds!.Value / 60;
            measured++;
        }

        return measured == 0 ? null : work / minutes;
    }

    private static GenerationStats Generations(List<EndedTask> ended)
    {
        var generations = ended.Where(t => t.Kind == TaskKind.Generation).ToList();
        var completed = generations.Where(t => t.Outcome == Outcome.Completed).Select(t => (t.FinishedAt - t.CreatedAt).TotalSeconds).Order().ToList();
        var failed = generations.Count(t => t.Outcome == Outcome.Failed);
        var decided = completed.Count + failed;
        return new GenerationStats(
            completed.Count,
            failed,
            decided == 0 ? null : (double)completed.Count / decided,
            completed.Count == 0 ? null : Percentile(completed, 0.5),
            completed.Count == 0 ? null : Percentile(completed, 0.95));
    }

    private enum Outcome
    {
        Completed,
        Failed,
        Cancelled,
    }

    private sealed record EndedTask(
        Guid Id, TaskKind Kind, TaskState State, string? ErrorCode, string? ErrorMessage, int Attempt, DateTimeOffset CreatedAt, DateTimeOffset FinishedAt, double? VideoSeconds)
    {
        public Outcome Outcome => State == TaskState.Completed ? Outcome.Completed : ErrorCode == ErrorCodes.Cancelled ? Outcome.Cancelled : Outcome.Failed;
    }

    private sealed record CompletedStep(Guid TaskId, int Attempt, string Name, DateTimeOffset StartedAt, DateTimeOffset FinishedAt)
    {
        public double Seconds => (FinishedAt - StartedAt).TotalSeconds;
    }
}
