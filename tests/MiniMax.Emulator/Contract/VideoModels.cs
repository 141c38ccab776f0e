namespace MiniMax.Emulator.Contract;

/// <summary>What each video model accepts, as the contract lists it.</summary>
public sealed record VideoModel(string Name, IReadOnlyList<string> Resolutions, string DefaultResolution, bool NeedsFirstFrame, bool AllowsLastFrame);

public static class VideoModels
{
    private static readonly string[] Legacy = ["720P"];
    private static readonly string[] Hailuo23 = ["768P", "1080P"];

    public static readonly IReadOnlyDictionary<string, VideoModel> All = new[]
    {
        new VideoModel("MiniMax-Hailuo-2.3", Hailuo23, "768P", NeedsFirstFrame: false, AllowsLastFrame: false),
        new VideoModel("MiniMax-Hailuo-2.3-Fast", Hailuo23, "768P", NeedsFirstFrame: true, AllowsLastFrame: false),
        // Hailuo-02 is the model that takes a last frame too (first-and-last-frame video).
        new VideoModel("MiniMax-Hailuo-02", ["512P", "768P", "1080P"], "768P", NeedsFirstFrame: false, AllowsLastFrame: true),
        new VideoModel("T2V-01", Legacy, "720P", NeedsFirstFrame: false, AllowsLastFrame: false),
        new VideoModel("T2V-01-Director", Legacy, "720P", NeedsFirstFrame: false, AllowsLastFrame: false),
        new VideoModel("I2V-01", Legacy, "720P", NeedsFirstFrame: true, AllowsLastFrame: false),
        new VideoModel("I2V-01-Director", Legacy, "720P", NeedsFirstFrame: true, AllowsLastFrame: false),
        new VideoModel("I2V-01-live", Legacy, "720P", NeedsFirstFrame: true, AllowsLastFrame: false),
        new VideoModel("S2V-01", Legacy, "720P", NeedsFirstFrame: false, AllowsLastFrame: false),
    }.ToDictionary(model => model.Name, StringComparer.Ordinal);

    public static readonly IReadOnlyList<int> Durations = [6, 10];

    /// <summary>The nominal picture size the query reports for a resolution.</summary>
    public static (int Width, int Height) SizeOf(string resolution) => resolution switch
    {
        "512P" => (912, 512),
        "720P" => (1280, 720),
        "768P" => (1366, 768),
        "1080P" => (1920, 1080),
        _ => throw new ArgumentOutOfRangeException(nameof(resolution), resolution, "not a known resolution"),
    };
}
