namespace MiniMax.Emulator.State;

/// <summary>Fifteen-digit numeric ids like the service's ("106916112212032"), unique within one emulator.</summary>
public sealed class NumericIds
{
    // A random start keeps ids from two emulator runs apart, which catches a client that caches across runs.
    private long _last = 100_000_000_000_000 + Random.Shared.NextInt64(800_000_000_000_000);

    public long Next() => Interlocked.Increment(ref _last);
}
