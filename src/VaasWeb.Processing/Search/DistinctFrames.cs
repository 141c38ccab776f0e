using VaasWeb.Processing.Videos;

namespace VaasWeb.Processing.Search;

/// <summary>A frame that starts a new picture, and how long that picture lasts.</summary>
public sealed record DistinctFrame(Frame Frame, double EndSeconds);

public static class DistinctFrames
{
    /// <summary>
    /// The first frame of each group of look-alike frames (see <see cref="Frame.Group"/>), each lasting until the
    /// next group starts or the video ends. A slide shown for a minute is read once, not sixty times.
    /// </summary>
    public static IReadOnlyList<DistinctFrame> Of(IReadOnlyList<Frame> frames, double videoEndSeconds)
    {
        var ordered = frames.OrderBy(f => f.TimestampSeconds).ToArray();
        var kept = ordered.Where((frame, i) => i == 0 || frame.Group is null || frame.Group != ordered[i - 1].Group).ToArray();
        return kept.Select((frame, i) => new DistinctFrame(frame, i + 1 < kept.Length ? kept[i + 1].TimestampSeconds : Math.Max(videoEndSeconds, frame.TimestampSeconds)))
            .ToArray();
    }
}
