using System.Collections.Concurrent;
using System.Globalization;

namespace MiniMax.Emulator.State;

/// <summary>What is to be generated, after validation and defaults.</summary>
public sealed record VideoSpec(string Model, string Prompt, int Duration, string Resolution);

/// <summary>Every video task the emulator accepted, by task id.</summary>
public sealed class TaskStore(NumericIds ids, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, VideoTask> _tasks = new(StringComparer.Ordinal);

    public int Count => _tasks.Count;

    public VideoTask Create(VideoSpec spec, string? firstFramePath)
    {
        var task = new VideoTask
        {
            TaskId = ids.Next().ToString(CultureInfo.InvariantCulture),
            FileId = ids.Next(),
            Spec = spec,
            FirstFramePath = firstFramePath,
            SubmittedAt = time.GetUtcNow(),
        };
        _tasks[task.TaskId] = task;
        return task;
    }

    public VideoTask? Find(string taskId) => _tasks.GetValueOrDefault(taskId);
}
