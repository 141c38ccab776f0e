using System.Globalization;
using MiniMax.Emulator.Contract;

namespace MiniMax.Emulator.Faults;

/// <summary>
/// The active faults, in the order they were added. Each request takes the first one that matches its endpoint
/// (and wins its probability roll); a fault with a count removes itself when used up.
/// </summary>
public sealed class FaultInjector
{
    public const int DefaultSlowDelayMs = 10_000;

    private readonly Lock _lock = new();
    private readonly List<Fault> _faults = [];
    private int _lastId;

    public static string? Validate(FaultSpec spec)
    {
        if (spec.Endpoint is null || (spec.Endpoint != EndpointNames.Any && !EndpointNames.All.Contains(spec.Endpoint)))
        {
            return $"endpoint must be one of: {string.Join(", ", EndpointNames.All)}, *";
        }

        if (spec.Kind is null || !FaultKinds.All.Contains(spec.Kind))
        {
            return $"kind must be one of: {string.Join(", ", FaultKinds.All)}";
        }

        if (spec.Count is < 1)
        {
            return "count must be 1 or more";
        }

        if (spec.Probability is { } p && (double.IsNaN(p) || p <= 0 || p > 1))
        {
            return "probability must be more than 0 and at most 1";
        }

        return spec.DelayMs is < 0 ? "delay_ms must be zero or more" : null;
    }

    public (Fault? Fault, string? Error) Add(FaultSpec spec)
    {
        if (Validate(spec) is { } error)
        {
            return (null, error);
        }

        lock (_lock)
        {
            var id = (++_lastId).ToString(CultureInfo.InvariantCulture);
            var fault = new Fault(id, spec.Endpoint!, spec.Kind!, spec.Code, spec.Message, spec.DelayMs, spec.Count, spec.Probability);
            _faults.Add(fault);
            return (fault, null);
        }
    }

    /// <summary>The fault this call gets, if any; a counted fault is used up by it.</summary>
    public AppliedFault? Take(string endpoint)
    {
        lock (_lock)
        {
            for (var i = 0; i < _faults.Count; i++)
            {
                var fault = _faults[i];
                if ((fault.Endpoint != EndpointNames.Any && fault.Endpoint != endpoint)
                    || (fault.Probability is { } p && Random.Shared.NextDouble() >= p))
                {
                    continue;
                }

                if (fault.Count is { } left)
                {
                    if (left <= 1)
                    {
                        _faults.RemoveAt(i);
                    }
                    else
                    {
                        _faults[i] = fault with { Count = left - 1 };
                    }
                }

                return Resolve(fault);
            }

            return null;
        }
    }

    public IReadOnlyList<Fault> List()
    {
        lock (_lock)
        {
            return [.. _faults];
        }
    }

    public bool Remove(string id)
    {
        lock (_lock)
        {
            return _faults.RemoveAll(fault => fault.Id == id) > 0;
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _faults.Clear();
        }
    }

    private static AppliedFault Resolve(Fault fault)
    {
        var code = fault.Code ?? (fault.Kind == FaultKinds.BaseResp ? MiniMaxCodes.UnknownError : 0);
        var delay = fault.DelayMs ?? (fault.Kind == FaultKinds.Slow ? DefaultSlowDelayMs : 0);
        return new AppliedFault(fault.Kind, code, fault.Message, delay);
    }
}
