namespace VaasWeb.Realtime;

/// <summary>
/// Recent (time, progress) readings of one running step, and the time left they suggest: the step's measured
/// rate applied to what remains. No estimate until the readings span a second and show progress.
/// </summary>
public sealed class ProgressSamples
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MinimumSpan = TimeSpan.FromSeconds(1);

    private readonly Queue<(DateTimeOffset At, double Progress)> _readings = new();
    private readonly Lock _gate = new();
    private string? _step;

    public void Add(string? step, DateTimeOffset at, double progress)
    {
        lock (_gate)
        {
            if (step != _step || (_readings.Count > 0 && progress < _readings.Last().Progress))
            {
                // A new step runs at its own pace (and a step that went backwards was restarted).
                _readings.Clear();
                _step = step;
            }

            _readings.Enqueue((at, progress));
            while (_readings.Count > 2 && at - _readings.Peek().At > Window)
            {
                _readings.Dequeue();
            }
        }
    }

    public TimeSpan? Estimate(DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_readings.Count < 2)
            {
                return null;
            }

            var first = _readings.Peek();
            var last = _readings.Last();
            var span = last.At - first.At;
            var gained = last.Progress - first.Progress;
            if (span < MinimumSpan || gained <= 0)
            {
                return null;
            }

            var secondsLeft = (100 - last.Progress) / (gained / span.TotalSeconds) - (now - last.At).TotalSeconds;
            return TimeSpan.FromSeconds(Math.Max(0, secondsLeft));
        }
    }
}
