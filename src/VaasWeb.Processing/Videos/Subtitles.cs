using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Search;

namespace VaasWeb.Processing.Videos;

/// <summary>One subtitle: when it shows and its lines (each at most <see cref="Subtitles.MaxLineLength"/> characters).</summary>
public sealed record SubtitleCue(double StartSeconds, double EndSeconds, IReadOnlyList<string> Lines);

/// <summary>
/// The words spoken in a video as subtitles (WebVTT for players, SRT for editors): the speech segments in time
/// order, wrapped at 42 characters, two lines a cue at most; a longer segment becomes several cues, each shown
/// from its first word (the recogniser's word timings when it gave them, else spread by length).
/// </summary>
public static class Subtitles
{
    /// <summary>The line length broadcasters and players keep to.</summary>
    public const int MaxLineLength = 42;

    public const int MaxLinesPerCue = 2;

    /// <summary>Shortest time a cue is shown, for a segment the recogniser gave no length.</summary>
    private const double MinCueSeconds = 0.5;

    public static async Task<IReadOnlyList<SubtitleCue>?> ForVideoAsync(VaasDbContext db, Guid videoId, CancellationToken cancellationToken)
    {
        if (!await db.Videos.AnyAsync(v => v.Id == videoId, cancellationToken))
        {
            return null;
        }

        var speech = await db.TextSegments.AsNoTracking()
            .Where(s => s.VideoId == videoId && s.Source == TextSource.Speech)
            .OrderBy(s => s.StartSeconds)
            .ThenBy(s => s.Id)
            .ToListAsync(cancellationToken);
        return Cues(speech);
    }

    public static IReadOnlyList<SubtitleCue> Cues(IEnumerable<TextSegment> speech)
    {
        var cues = new List<SubtitleCue>();
        foreach (var segment in speech.OrderBy(s => s.StartSeconds))
        {
            var words = segment.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (words.Length == 0)
            {
                continue;
            }

            var end = Math.Max(segment.EndSeconds, segment.StartSeconds + MinCueSeconds);
            var groups = Group(words);
            for (var i = 0; i < groups.Count; i++)
            {
                var start = segment.MomentOfWord(groups[i].FirstWord);
                var until = i + 1 < groups.Count ? segment.MomentOfWord(groups[i + 1].FirstWord) : end;
                cues.Add(new SubtitleCue(start, Math.Max(until, start + 0.001), groups[i].Lines));
            }
        }

        // Audio chunks overlap: a cue never runs into the next one's time.
        for (var i = 0; i + 1 < cues.Count; i++)
        {
            if (cues[i].EndSeconds > cues[i + 1].StartSeconds && cues[i + 1].StartSeconds > cues[i].StartSeconds)
            {
                cues[i] = cues[i] with { EndSeconds = cues[i + 1].StartSeconds };
            }
        }

        return cues;
    }

    public static string ToWebVtt(IReadOnlyList<SubtitleCue> cues)
    {
        var text = new StringBuilder("WEBVTT\n");
        foreach (var cue in cues)
        {
            text.Append('\n').Append(Time(cue.StartSeconds, '.')).Append(" --> ").Append(Time(cue.EndSeconds, '.')).Append('\n');
            foreach (var line in cue.Lines)
            {
                // The three characters WebVTT cue text must escape; "-->" cannot appear once '>' is escaped.
                text.Append(line.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;")).Append('\n');
            }
        }

        return text.ToString();
    }

    public static string ToSrt(IReadOnlyList<SubtitleCue> cues)
    {
        var text = new StringBuilder();
        for (var i = 0; i < cues.Count; i++)
        {
            if (i > 0)
            {
                text.Append("\r\n");
            }

            text.Append((i + 1).ToString(CultureInfo.InvariantCulture)).Append("\r\n")
                .Append(Time(cues[i].StartSeconds, ',')).Append(" --> ").Append(Time(cues[i].EndSeconds, ',')).Append("\r\n");
            foreach (var line in cues[i].Lines)
            {
                text.Append(line).Append("\r\n");
            }
        }

        return text.ToString();
    }

    /// <summary>HH:MM:SS.mmm (SRT: a comma before the milliseconds).</summary>
    private static string Time(double seconds, char separator)
    {
        var at = TimeSpan.FromMilliseconds(Math.Round(Math.Max(0, seconds) * 1000));
        return string.Create(CultureInfo.InvariantCulture, $"{(int)at.TotalHours:00}:{at.Minutes:00}:{at.Seconds:00}{separator}{at.Milliseconds:000}");
    }

    /// <summary>The words wrapped into lines, the lines into cues; a word longer than a line is cut.</summary>
    private static List<(int FirstWord, IReadOnlyList<string> Lines)> Group(string[] words)
    {
        var cues = new List<(int, IReadOnlyList<string>)>();
        var lines = new List<string>();
        var line = new StringBuilder();
        var cueFirstWord = 0;
        for (var i = 0; i < words.Length; i++)
        {
            foreach (var piece in words[i].Chunk(MaxLineLength).Select(c => new string(c)))
            {
                if (line.Length > 0 && line.Length + 1 + piece.Length > MaxLineLength)
                {
                    lines.Add(line.ToString());
                    line.Clear();
                    if (lines.Count == MaxLinesPerCue)
                    {
                        cues.Add((cueFirstWord, lines));
                        lines = [];
                        cueFirstWord = i;
                    }
                }

                line.Append(line.Length > 0 ? " " : "").Append(piece);
            }
        }

        lines.Add(line.ToString());
        cues.Add((cueFirstWord, lines));
        return cues;
    }
}
