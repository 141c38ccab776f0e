using System.Globalization;
using System.Text.RegularExpressions;
using VaasWeb.Processing.Videos;

namespace VaasWeb.Tests.Unit.Support;

/// <summary>Reads WebVTT back strictly, as a player would, and returns its cues.</summary>
public static partial class WebVttCheck
{
    /// <summary>The rules a player enforces: the header, then cues of a timing line and text, times in order; lines of at most 42.</summary>
    public static IReadOnlyList<(double Start, double End, string[] Lines)> AssertValid(string vtt)
    {
        Assert.StartsWith("WEBVTT\n", vtt);
        var cues = new List<(double, double, string[])>();
        var previousStart = 0.0;
        foreach (var block in vtt["WEBVTT\n".Length..].Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = block.Trim('\n').Split('\n');
            var timing = Timing().Match(lines[0]);
            Assert.True(timing.Success, $"not a timing line: {lines[0]}");
            var (start, end) = (Seconds(timing.Groups[1].Value), Seconds(timing.Groups[2].Value));
            Assert.True(end > start && start >= previousStart, lines[0]);
            previousStart = start;
            Assert.InRange(lines.Length - 1, 1, Subtitles.MaxLinesPerCue);
            Assert.All(lines.Skip(1), l => Assert.True(l.Length is > 0 and <= Subtitles.MaxLineLength && !l.Contains("-->") && !l.Contains('<'), l));
            cues.Add((start, end, lines[1..]));
        }

        return cues;
    }

    private static double Seconds(string time) => TimeSpan.ParseExact(time, @"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture).TotalSeconds;

    [GeneratedRegex(@"^(\d{2}:\d{2}:\d{2}\.\d{3}) --> (\d{2}:\d{2}:\d{2}\.\d{3})$")]
    private static partial Regex Timing();
}
