namespace VaasWeb.Processing.Generation;

public enum GenerationPhase
{
    /// <summary>Stored, waiting for a submit slot.</summary>
    Queued,

    /// <summary>The request is being sent; if the server stops now, nobody knows whether MiniMax has it.</summary>
    Submitting,

    /// <summary>MiniMax has it (its task id is stored); polled until Success or Fail.</summary>
    Generating,

    /// <summary>MiniMax made the file; it is being downloaded and stored.</summary>
    Retrieving,

    /// <summary>The video is stored; narration is being made and laid over it.</summary>
    Narrating,

    Done,
}

/// <summary>
/// What someone asked MiniMax to make, and how far MiniMax got: the generation side of a
/// <see cref="Tasks.ProcessingTask"/> of kind Generation (same id). Stored before anything is sent, and MiniMax's
/// task id is written the moment it comes back, so no request is lost or sent twice across restarts.
/// </summary>
public sealed class VideoGeneration
{
    private VideoGeneration()
    {
    }

    public VideoGeneration(Guid taskId, GenerationSpec spec, string? firstFramePath, DateTimeOffset createdAt)
    {
        TaskId = taskId;
        Prompt = spec.Prompt;
        Model = spec.Model;
        DurationSeconds = spec.DurationSeconds;
        Resolution = spec.Resolution;
        PromptOptimizer = spec.PromptOptimizer;
        FirstFrameId = spec.FirstFrameId;
        FirstFramePath = firstFramePath;
        NarrationText = spec.NarrationText;
        VoiceId = spec.VoiceId;
        CreatedAt = createdAt;
        Phase = GenerationPhase.Queued;
    }

    public Guid TaskId { get; private set; }

    public string Prompt { get; private set; } = "";
    public string Model { get; private set; } = "";
    public int DurationSeconds { get; private set; }
    public string Resolution { get; private set; } = "";
    public bool PromptOptimizer { get; private set; }

    /// <summary>The ingested frame the first frame was taken from, if it was.</summary>
    public long? FirstFrameId { get; private set; }

    /// <summary>The first frame as sent (a JPEG within MiniMax's limits), relative to the media root.</summary>
    public string? FirstFramePath { get; private set; }

    public string? NarrationText { get; private set; }
    public string? VoiceId { get; private set; }

    public GenerationPhase Phase { get; private set; }
    public string? MiniMaxTaskId { get; private set; }

    /// <summary>MiniMax's own word for the task's state: Preparing, Queueing, Processing, Success, Fail.</summary>
    public string? MiniMaxStatus { get; private set; }

    public string? FileId { get; private set; }
    public long? FileBytes { get; private set; }
    public int? VideoWidth { get; private set; }
    public int? VideoHeight { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>When the last submit was sent (counts against the submit rate, also across restarts).</summary>
    public DateTimeOffset? SubmittedAt { get; private set; }

    public DateTimeOffset? AcceptedAt { get; private set; }

    /// <summary>After this the generation is failed if it has not finished (MiniMax:TimeoutMinutes after acceptance).</summary>
    public DateTimeOffset? DeadlineAt { get; private set; }

    /// <summary>The last transient trouble (an outage MiniMax recovered from or may still), for the details page.</summary>
    public string? LastError { get; private set; }

    public Guid? ResultVideoId { get; private set; }
    public Guid? NarratedVideoId { get; private set; }

    public bool WantsNarration => !string.IsNullOrWhiteSpace(NarrationText) && !string.IsNullOrWhiteSpace(VoiceId);

    /// <summary>
    /// Where a (re-)run starts: a file MiniMax made but that was never stored is fetched again, a stored video that
    /// still lacks its narration is narrated; anything else is a new request (a re-run of a finished generation
    /// asks MiniMax again and is charged again).
    /// </summary>
    public GenerationPhase ResumePhase() => this switch
    {
        { FileId: not null, ResultVideoId: null } => GenerationPhase.Retrieving,
        { ResultVideoId: not null, NarratedVideoId: null, WantsNarration: true } => GenerationPhase.Narrating,
        _ => GenerationPhase.Submitting,
    };

    public void Resume(GenerationPhase phase)
    {
        Phase = phase;
        LastError = null;
    }

    public void BeginSubmit(DateTimeOffset now)
    {
        Phase = GenerationPhase.Submitting;
        MiniMaxTaskId = null;
        MiniMaxStatus = null;
        FileId = null;
        FileBytes = null;
        VideoWidth = null;
        VideoHeight = null;
        AcceptedAt = null;
        DeadlineAt = null;
        ResultVideoId = null;
        NarratedVideoId = null;
        LastError = null;
        SubmittedAt = now;
    }

    public void Accept(string miniMaxTaskId, DateTimeOffset now, TimeSpan timeout)
    {
        Phase = GenerationPhase.Generating;
        MiniMaxTaskId = miniMaxTaskId;
        MiniMaxStatus = "Submitted";
        AcceptedAt = now;
        DeadlineAt = now + timeout;
    }

    /// <summary>Back to the queue: the request certainly did not reach MiniMax (refused, rate limited, throttled).</summary>
    public void Requeue(string why)
    {
        Phase = GenerationPhase.Queued;
        LastError = why;
    }

    public void Report(string miniMaxStatus) => MiniMaxStatus = miniMaxStatus;

    public void NoteTrouble(string? error) => LastError = error;

    public void Succeeded(string fileId, int? width, int? height)
    {
        Phase = GenerationPhase.Retrieving;
        MiniMaxStatus = "Success";
        FileId = fileId;
        VideoWidth = width;
        VideoHeight = height;
        LastError = null;
    }

    public void Stored(Guid videoId, long bytes)
    {
        ResultVideoId = videoId;
        FileBytes = bytes;
        Phase = WantsNarration ? GenerationPhase.Narrating : GenerationPhase.Done;
        LastError = null;
    }

    public void Narrated(Guid videoId)
    {
        NarratedVideoId = videoId;
        Phase = GenerationPhase.Done;
        LastError = null;
    }
}

/// <summary>A validated generation request (see <see cref="GenerationRules"/>).</summary>
public sealed record GenerationSpec(
    string Prompt,
    string Model,
    int DurationSeconds,
    string Resolution,
    bool PromptOptimizer,
    long? FirstFrameId,
    string? NarrationText,
    string? VoiceId);
