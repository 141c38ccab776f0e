using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Failures;
using VaasWeb.Processing.Tasks;

namespace VaasWeb.Processing.Telemetry;

/// <summary>
/// VaasWeb's own instruments, on the meter <see cref="MeterName"/>. Names follow OpenTelemetry's conventions (dotted,
/// the unit in <c>unit</c>; the Prometheus exporter adds <c>_seconds</c>, <c>_bytes</c>, <c>_total</c>). The meter
/// comes from the host's <see cref="IMeterFactory"/>, so two apps in one process (the tests) never count each other's
/// work. Counters are per node (a cluster's numbers are their sum); the queue depth is read from the shared
/// database, the same on every node (take one node's, or the max, not the sum).
/// </summary>
public sealed class VaasMetrics
{
    public const string MeterName = "VaasWeb";

    /// <summary>Seconds, from a tenth of a second (a probe) to an hour (a long transcript).</summary>
    private static readonly double[] StepSeconds = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

    private static readonly double[] WorkPerMinute = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600];

    private static readonly double[] WaitSeconds = [1, 5, 10, 30, 60];

    private readonly Counter<long> _tasksEnded;
    private readonly Counter<long> _ingestionFailures;
    private readonly Histogram<double> _stepDuration;
    private readonly Histogram<double> _workPerVideoMinute;
    private readonly Counter<long> _miniMaxCalls;
    private readonly Counter<long> _polls;
    private readonly Counter<long> _submitGateWaits;
    private readonly Histogram<double> _submitGateWait;
    private readonly Counter<long> _webhookDeliveries;
    private readonly Counter<long> _uploadBytes;

    public VaasMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _tasksEnded = meter.CreateCounter<long>("vaas.tasks.ended", "{task}",
            "Tasks that ended on this node, by kind and outcome (completed, failed, cancelled).");
        _ingestionFailures = meter.CreateCounter<long>("vaas.ingestion.failures", "{task}",
            "Ingestions that failed on this node, by error code (error.type); cancels are not failures.");
        _stepDuration = meter.CreateHistogram<double>("vaas.ingestion.step.duration", "s",
            "How long each ingestion step took, by step and its outcome.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = StepSeconds });
        _workPerVideoMinute = meter.CreateHistogram<double>("vaas.ingestion.work_per_video_minute", "s",
            "Seconds an ingestion took per minute of its video.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = WorkPerMinute });
        _miniMaxCalls = meter.CreateCounter<long>("vaas.minimax.calls", "{call}",
            "Calls to MiniMax by endpoint and outcome; minimax.code is 0 when it succeeded, else base_resp's status code or what went wrong (http_503, timeout, …).");
        _polls = meter.CreateCounter<long>("vaas.minimax.polls", "{poll}",
            "Status polls of generations in flight sent by this node's poller.");
        _submitGateWaits = meter.CreateCounter<long>("vaas.minimax.submit_gate.waits", "{submit}",
            "Generation submits held back because the submit rate limit (MiniMax:SubmitPerMinute) was used up.");
        _submitGateWait = meter.CreateHistogram<double>("vaas.minimax.submit_gate.wait", "s",
            "How long a held-back submit had to wait for the next free slot.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = WaitSeconds });
        _webhookDeliveries = meter.CreateCounter<long>("vaas.webhooks.deliveries", "{delivery}",
            "Webhook delivery rounds by event and outcome (delivered, retrying, failed).");
        _uploadBytes = meter.CreateCounter<long>("vaas.uploads.received", "By",
            "Bytes of uploads written to disk, by path (tus, multipart).");
    }

    /// <summary>A task reached an end state; <paramref name="errorCode"/> is its code when it failed.</summary>
    public void TaskEnded(TaskKind kind, TaskState state, string? errorCode)
    {
        var outcome = state switch
        {
            TaskState.Completed => "completed",
            TaskState.Failed when errorCode == ErrorCodes.Cancelled => "cancelled",
            _ => "failed",
        };
        _tasksEnded.Add(1, new("kind", kind.WireName), new("outcome", outcome));
        if (kind == TaskKind.Ingestion && outcome == "failed")
        {
            _ingestionFailures.Add(1, new KeyValuePair<string, object?>("error.type", errorCode ?? ErrorCodes.InternalError));
        }
    }

    public void StepEnded(string step, string outcome, TimeSpan took) =>
        _stepDuration.Record(took.TotalSeconds, new("step", step), new("outcome", outcome));

    public void IngestionFinished(TimeSpan took, double videoSeconds)
    {
        if (videoSeconds > 0)
        {
            _workPerVideoMinute.Record(took.TotalSeconds / (videoSeconds / 60));
        }
    }

    /// <param name="outcome"><c>ok</c> when MiniMax answered as the contract says, else <c>error</c>.</param>
    /// <param name="code">0, base_resp's status code, or what went wrong (<c>http_503</c>, <c>timeout</c>, <c>connection</c>, …).</param>
    public void MiniMaxCall(string endpoint, string outcome, string code) =>
        _miniMaxCalls.Add(1, new("minimax.endpoint", endpoint), new("outcome", outcome), new("minimax.code", code));

    public void Poll() => _polls.Add(1);

    public void SubmitHeldBack(TimeSpan wait)
    {
        _submitGateWaits.Add(1);
        _submitGateWait.Record(wait.TotalSeconds);
    }

    public void WebhookRound(string eventName, string outcome) =>
        _webhookDeliveries.Add(1, new("event", eventName), new("outcome", outcome));

    public void UploadBytes(long bytes, string path) => _uploadBytes.Add(bytes, new KeyValuePair<string, object?>("path", path));
}

/// <summary>
/// The queue depth gauge, apart from <see cref="VaasMetrics"/> because it reads the database and the registered kinds
/// (which the task layer, a user of <see cref="VaasMetrics"/>, is made of). Created with the host (see
/// <c>AddVaasTelemetry</c>); the factory hands it the same meter.
/// </summary>
public sealed class QueueDepthGauge
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    private readonly IDbContextFactory<VaasDbContext> _dbFactory;
    private readonly TaskKinds _kinds;
    private readonly TimeProvider _clock;
    private readonly ILogger<QueueDepthGauge> _logger;
    private readonly Lock _lock = new();
    private (DateTimeOffset At, IReadOnlyList<Measurement<long>> Values)? _last;

    public QueueDepthGauge(IMeterFactory meters, IDbContextFactory<VaasDbContext> dbFactory, TaskKinds kinds, TimeProvider clock, ILogger<QueueDepthGauge> logger)
    {
        _dbFactory = dbFactory;
        _kinds = kinds;
        _clock = clock;
        _logger = logger;
        meters.Create(VaasMetrics.MeterName).CreateObservableGauge("vaas.tasks.queue_depth", ReadQueueDepth, "{task}",
            "Tasks waiting (pending) and running (in_progress) now, by kind and state, from the database (the whole cluster).");
    }

    /// <summary>
    /// Counted at most every few seconds (a scrape, an export), synchronously as observable instruments are; every kind
    /// and state is reported, zero included, so a queue that empties shows 0 instead of vanishing.
    /// </summary>
    private IEnumerable<Measurement<long>> ReadQueueDepth()
    {
        lock (_lock)
        {
            var now = _clock.GetUtcNow();
            if (_last is { } cached && now - cached.At < MaxAge)
            {
                return cached.Values;
            }

            try
            {
                using var db = _dbFactory.CreateDbContext();
                var counts = db.Tasks.AsNoTracking()
                    .Where(t => t.State == TaskState.Pending || t.State == TaskState.InProgress)
                    .GroupBy(t => new { t.Kind, t.State })
                    .Select(g => new { g.Key.Kind, g.Key.State, Count = g.LongCount() })
                    .ToList();
                var values = (
                    from kind in _kinds.All
                    from state in new[] { TaskState.Pending, TaskState.InProgress }
                    let count = counts.Where(c => c.Kind == kind && c.State == state).Sum(c => c.Count)
                    select new Measurement<long>(count, new("kind", kind.WireName), new("state", state == TaskState.Pending ? "pending" : "in_progress"))).ToList();
                _last = (now, values);
                return values;
            }
            catch (Exception e)
            {
                // The database being away is /healthz's news; the gauge just has no reading this time.
                _logger.LogDebug(e, "Counting queued tasks for the metrics failed");
                return [];
            }
        }
    }
}
