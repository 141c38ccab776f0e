using Microsoft.Extensions.Options;

namespace VaasWeb.Processing.Generation.MiniMax;

/// <summary>
/// At most <see cref="MiniMaxOptions.SubmitPerMinute"/> generation requests in any 60 s window, exactly: it keeps
/// the times of the last N sends. The submit job waits for a free slot before it takes a task; the HTTP handler
/// takes the slot for each attempt, so a retry is counted like any other send.
/// </summary>
public sealed class SubmitRateGate(IOptions<MiniMaxOptions> options, TimeProvider clock)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly Queue<DateTimeOffset> _sent = new();
    private readonly Lock _gate = new();
    private DateTimeOffset _pausedUntil;
    private DateTimeOffset? _heldBackSince;

    private int Limit => Math.Max(options.Value.SubmitPerMinute, 1);

    /// <summary>How long until a send is allowed; zero when one is allowed now.</summary>
    public TimeSpan WaitTime()
    {
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            Forget(now);
            var untilSlot = _sent.Count < Limit ? TimeSpan.Zero : _sent.Peek() + Window - now;
            var untilResume = _pausedUntil > now ? _pausedUntil - now : TimeSpan.Zero;
            return untilSlot > untilResume ? untilSlot : untilResume;
        }
    }

    /// <summary>A generation is waiting while the gate is closed: the start of a wait, unless one is already under way.</summary>
    public void NoteHeldBack()
    {
        lock (_gate)
        {
            _heldBackSince ??= clock.GetUtcNow();
        }
    }

    /// <summary>How long the wait that just ended lasted (the gate is open again); null when nothing was held back.</summary>
    public TimeSpan? EndHeldBack()
    {
        lock (_gate)
        {
            var waited = clock.GetUtcNow() - _heldBackSince;
            _heldBackSince = null;
            return waited;
        }
    }

    /// <summary>No submit for a while: MiniMax just turned one away.</summary>
    public void Pause(TimeSpan duration)
    {
        lock (_gate)
        {
            _pausedUntil = clock.GetUtcNow() + duration;
        }
    }

    public bool TryTake()
    {
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            Forget(now);
            if (_sent.Count >= Limit)
            {
                return false;
            }

            _sent.Enqueue(now);
            return true;
        }
    }

    /// <summary>
    /// The window becomes the sends the database recorded: after a restart, those before it still count; in a cluster,
    /// those of every node (the submit job runs on one node at a time, but not always the same one).
    /// </summary>
    public void Seed(IEnumerable<DateTimeOffset> sentAt)
    {
        lock (_gate)
        {
            _sent.Clear();
            foreach (var at in sentAt.Order())
            {
                _sent.Enqueue(at);
            }

            Forget(clock.GetUtcNow());
        }
    }

    private void Forget(DateTimeOffset now)
    {
        while (_sent.Count > 0 && now - _sent.Peek() >= Window)
        {
            _sent.Dequeue();
        }
    }
}

/// <summary>Thrown before sending when the submit rate is used up; nothing left the process.</summary>
public sealed class SubmitThrottledException(TimeSpan wait)
    : Exception($"The MiniMax submit limit is used up for the next {wait.TotalSeconds:0} s.")
{
    public TimeSpan Wait { get; } = wait;
}

/// <summary>Takes a submit slot for every generation request that is about to leave.</summary>
internal sealed class SubmitThrottleHandler(SubmitRateGate gate) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (MiniMaxResilience.IsSubmit(request) && !gate.TryTake())
        {
            throw new SubmitThrottledException(gate.WaitTime());
        }

        return base.SendAsync(request, cancellationToken);
    }
}
