using VaasWeb.Processing.Settings;

namespace VaasWeb.Processing.Ingestion;

/// <summary>How videos are ingested. Section <c>Ingestion</c>; the audio parameters are the seed's.</summary>
public sealed class IngestionOptions
{
    public const string Section = "Ingestion";

    /// <summary>Queue an ingestion as soon as an upload is stored.</summary>
    public bool AutoStart { get; set; } = true;

    /// <summary>One frame is sampled every this many seconds.</summary>
    public double FrameIntervalSeconds { get; set; } = 1.0;

    public int FrameMaxWidth { get; set; } = 1024;
    public int FrameMaxHeight { get; set; } = 768;
    public int ThumbnailWidth { get; set; } = 320;

    public double AudioChunkSeconds { get; set; } = 10;
    public double AudioOverlapSeconds { get; set; } = 1;
    public double AudioMinChunkSeconds { get; set; } = 1;
    public int AudioSampleRate { get; set; } = 16000;

    /// <summary>Ingestions running at once on this node; the rest wait as pending.</summary>
    public int MaxConcurrentJobs { get; set; } = 1;

    /// <summary>How many times a task interrupted by a server stop is tried before it is failed.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Seconds each step may take per second of video (the probe measured ~0.1 s a second for the slowest step, transcripts).</summary>
    public double StepTimeoutFactor { get; set; } = 3;

    /// <summary>The least any step may take, whatever the video's length (a short video still loads its tools).</summary>
    public double StepTimeoutFloorSeconds { get; set; } = 600;

    /// <summary>Seconds the whole ingestion may take per second of video.</summary>
    public double TaskTimeoutFactor { get; set; } = 10;

    /// <summary>The least the whole ingestion may take.</summary>
    public double TaskTimeoutFloorSeconds { get; set; } = 3600;
}

/// <summary>Checks every setting at start; each message names the setting so a bad value is easy to find.</summary>
internal sealed class IngestionOptionsValidator() : OptionsValidator<IngestionOptions>(IngestionOptions.Section)
{
    protected override void Check(IngestionOptions o, Rules rules)
    {
        rules.Require(o.FrameIntervalSeconds is >= 0.04 and <= 3600, nameof(o.FrameIntervalSeconds), "must be between 0.04 and 3600 seconds", o.FrameIntervalSeconds);
        rules.Require(o.FrameMaxWidth is >= 16 and <= 8192, nameof(o.FrameMaxWidth), "must be between 16 and 8192 pixels", o.FrameMaxWidth);
        rules.Require(o.FrameMaxHeight is >= 16 and <= 8192, nameof(o.FrameMaxHeight), "must be between 16 and 8192 pixels", o.FrameMaxHeight);
        rules.Require(o.ThumbnailWidth is >= 16 and <= 1920, nameof(o.ThumbnailWidth), "must be between 16 and 1920 pixels", o.ThumbnailWidth);
        rules.Require(o.AudioChunkSeconds is >= 1 and <= 600, nameof(o.AudioChunkSeconds), "must be between 1 and 600 seconds", o.AudioChunkSeconds);
        rules.Require(o.AudioOverlapSeconds >= 0 && o.AudioOverlapSeconds < o.AudioChunkSeconds, nameof(o.AudioOverlapSeconds),
            $"must be at least 0 and shorter than Ingestion:AudioChunkSeconds ({o.AudioChunkSeconds})", o.AudioOverlapSeconds);
        rules.Require(o.AudioMinChunkSeconds > 0 && o.AudioMinChunkSeconds <= o.AudioChunkSeconds, nameof(o.AudioMinChunkSeconds),
            $"must be above 0 and at most Ingestion:AudioChunkSeconds ({o.AudioChunkSeconds})", o.AudioMinChunkSeconds);
        rules.Require(o.AudioSampleRate is >= 8000 and <= 48000, nameof(o.AudioSampleRate), "must be between 8000 and 48000 Hz", o.AudioSampleRate);
        rules.Require(o.MaxConcurrentJobs is >= 1 and <= 64, nameof(o.MaxConcurrentJobs), "must be between 1 and 64", o.MaxConcurrentJobs);
        rules.Require(o.MaxAttempts is >= 1 and <= 100, nameof(o.MaxAttempts), "must be between 1 and 100", o.MaxAttempts);
        rules.Require(o.StepTimeoutFactor is >= 0.01 and <= 1000, nameof(o.StepTimeoutFactor), "must be between 0.01 and 1000 seconds per second of video", o.StepTimeoutFactor);
        rules.Require(o.StepTimeoutFloorSeconds is >= 1 and <= 604800, nameof(o.StepTimeoutFloorSeconds), "must be between 1 and 604800 seconds", o.StepTimeoutFloorSeconds);
        rules.Require(o.TaskTimeoutFactor is >= 0.01 and <= 10000, nameof(o.TaskTimeoutFactor), "must be between 0.01 and 10000 seconds per second of video", o.TaskTimeoutFactor);
        rules.Require(o.TaskTimeoutFloorSeconds is >= 1 and <= 604800, nameof(o.TaskTimeoutFloorSeconds), "must be between 1 and 604800 seconds", o.TaskTimeoutFloorSeconds);
    }
}
