namespace MiniMax.Emulator;

/// <summary>
/// Start-up configuration from the <c>Emulator</c> section, e.g. <c>--Emulator:PreparingSeconds=0.2</c>.
/// The timing values only seed <see cref="EmulatorSettings"/>, which tests may change while it runs.
/// </summary>
public sealed class EmulatorOptions
{
    public const string Section = "Emulator";

    public string ApiKey { get; set; } = "emulator-key";

    /// <summary>Where renders and uploads go; when unset a temporary folder is made and deleted on shutdown.</summary>
    public string? DataDirectory { get; set; }

    public double PreparingSeconds { get; set; } = 1;
    public double QueueingSeconds { get; set; } = 1;
    public double ProcessingSeconds { get; set; } = 2;
    public double DownloadUrlTtlSeconds { get; set; } = 3600;
    public int RenderWidth { get; set; } = 320;

    /// <summary>Call a submit's <c>callback_url</c>, as MiniMax does; tests turn it off to lose every callback.</summary>
    public bool SendCallbacks { get; set; } = true;

    /// <summary>ffmpeg processes allowed at once; the test machines have two cores.</summary>
    public int MaxConcurrentRenders { get; set; } = 2;

    /// <summary>The request log forgets its oldest entries beyond this.</summary>
    public int RequestLogCapacity { get; set; } = 1_000_000;
}
