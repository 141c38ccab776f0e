using MiniMax.Emulator.Contract;

namespace MiniMax.Emulator.State;

/// <summary>Why a task was forced to fail (<c>/control/tasks/{id}/fail</c>).</summary>
public sealed record TaskFailure(int Code, string Message);

/// <summary>A submitted generation. Its status is a function of the time since submission and the current settings.</summary>
public sealed class VideoTask
{
    private static readonly string[] Stages = [VideoStatus.Preparing, VideoStatus.Queueing, VideoStatus.Processing, VideoStatus.Success];

    private int _reached;
    private TaskFailure? _failure;

    public required string TaskId { get; init; }

    public required long FileId { get; init; }

    public required VideoSpec Spec { get; init; }

    /// <summary>The decoded first frame on disk, or null when none was sent or it was a URL (never fetched).</summary>
    public string? FirstFramePath { get; init; }

    public required DateTimeOffset SubmittedAt { get; init; }

    public TaskFailure? Failure => Volatile.Read(ref _failure);

    public void Fail(TaskFailure failure) => Volatile.Write(ref _failure, failure);

    /// <summary>
    /// The status at <paramref name="now"/>. Settings may change while tasks run, so the stage never goes back:
    /// a client that saw Processing must not see Queueing afterwards.
    /// </summary>
    public string StatusAt(DateTimeOffset now, RuntimeSettings settings)
    {
        if (Failure is not null)
        {
            return VideoStatus.Fail;
        }

        var elapsed = (now - SubmittedAt).TotalSeconds;
        var stage = elapsed < settings.PreparingSeconds ? 0
            : elapsed < settings.PreparingSeconds + settings.QueueingSeconds ? 1
            : elapsed < settings.PreparingSeconds + settings.QueueingSeconds + settings.ProcessingSeconds ? 2
            : 3;

        var reached = Volatile.Read(ref _reached);
        while (stage > reached)
        {
            var seen = Interlocked.CompareExchange(ref _reached, stage, reached);
            if (seen == reached)
            {
                break;
            }

            reached = seen;
        }

        return Stages[Math.Max(stage, Volatile.Read(ref _reached))];
    }
}
