namespace VaasWeb.Processing.Ingestion;

/// <summary>
/// Progress that calls back synchronously on the reporting thread. (<see cref="Progress{T}"/> posts to the thread
/// pool, so values can arrive out of order and after the step has finished.)
/// </summary>
public sealed class StepProgress(Action<double> report) : IProgress<double>
{
    public void Report(double value) => report(value);

    /// <summary>Maps this step's 0–1 onto a slice [from, to] of a parent's 0–1.</summary>
    public static IProgress<double> Slice(IProgress<double> parent, double from, double to) =>
        new StepProgress(value => parent.Report(from + (to - from) * Math.Clamp(value, 0, 1)));
}

/// <summary>Any progress value, called back synchronously on the reporting thread, as <see cref="StepProgress"/> is.</summary>
public sealed class StepProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
