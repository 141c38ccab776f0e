namespace VaasWeb.Processing.Ingestion;

/// <summary>
/// The task's progress while steps run side by side: the finished fraction of every step, weighted and summed, so the bar
/// stands for the whole task and never goes back, whichever lane reports. The step it names is every step running, in
/// order ("frames + audio"), which changes only when a step starts or ends, so the board's estimate of the time left
/// (measured per named step) keeps its readings while both lanes report. Thread-safe; values reach
/// <paramref name="report"/> in the order they were computed.
/// </summary>
internal sealed class IngestionProgress(IReadOnlyList<IIngestionStep> steps, Action<string, double> report)
{
    public const string Separator = " + ";

    private readonly double[] _done = new double[steps.Count];
    private readonly bool[] _running = new bool[steps.Count];
    private readonly double _total = steps.Sum(s => s.Weight);
    private readonly Lock _gate = new();
    private string _shown = "";
    private int? _failedAt;

    public void Started(int ordinal) => Update(() => _running[ordinal] = true);

    /// <summary>The step's own 0–1, as the step reports it.</summary>
    public IProgress<double> For(int ordinal) => new StepProgress(fraction => Update(() => _done[ordinal] = Math.Max(_done[ordinal], Math.Clamp(fraction, 0, 1))));

    /// <summary>Done with its work: completed, skipped, or an optional step that failed and is left behind.</summary>
    public void Finished(int ordinal) => Update(() => (_running[ordinal], _done[ordinal]) = (false, 1));

    /// <summary>Ended without finishing (failed, stopped, cancelled): what it did stays counted, and it is no longer running.</summary>
    public void Ended(int ordinal) => Update(() => _running[ordinal] = false);

    /// <summary>From now on the task names this step, the one whose failure ends the task, not the ones stopped because of it.</summary>
    public void FailedAt(int ordinal) => Update(() => (_running[ordinal], _failedAt) = (false, _failedAt ?? ordinal));

    private void Update(Action change)
    {
        lock (_gate)
        {
            change();
            var running = Enumerable.Range(0, steps.Count).Where(i => _running[i]).Select(i => steps[i].Name).ToArray();
            _shown = _failedAt is { } failed ? steps[failed].Name : running.Length > 0 ? string.Join(Separator, running) : _shown;
            var done = 0.0;
            for (var i = 0; i < steps.Count; i++)
            {
                done += steps[i].Weight * _done[i];
            }

            report(_shown, _total > 0 ? done / _total * 100 : 0);
        }
    }
}
