using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Intelligence;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Failures;

namespace VaasWeb.Processing.Search;

/// <summary>A moment an answer relied on.</summary>
public sealed record Citation(double Seconds, string Label);

/// <summary>What VaasWeb read from a video at a time: <c>speech</c>, <c>on-screen text</c> or <c>caption</c>.</summary>
public sealed record Excerpt(double Start, double End, string Source, string Text);

public sealed record Answer(string Text, IReadOnlyList<Citation> Citations, int SegmentsUsed);

/// <summary>
/// Answers a question about one video from what VaasWeb found in it (speech, on-screen text, captions), through
/// the configured chat model, which is told to cite the times it used. The seed's <c>ask_question_about_video</c>.
/// </summary>
public sealed partial class VideoQuestions(IDbContextFactory<VaasDbContext> dbFactory, ITextIndex index, IChatCompleter chat, IOptions<IntelligenceOptions> options)
{
    /// <summary>About what fits comfortably in a small model's context with room for the answer.</summary>
    public const int MaxContextCharacters = 12_000;

    private const string SystemPrompt =
        "You answer questions about one video using only the excerpts given: speech (transcribed), on-screen text " +
        "(read from frames) and captions (descriptions of frames), each with its time as [m:ss]. Cite the time of every " +
        "excerpt you rely on, in the same [m:ss] form. If the excerpts do not answer the question, say so plainly.";

    /// <summary>What Ask says without a chat model (the API's 503, the MCP tool's note).</summary>
    public const string NotConfigured = "No chat model is configured: set Intelligence:Chat:Endpoint, Model and ApiKey.";

    public bool IsAvailable => options.Value.Chat.IsConfigured;

    public async Task<Answer> AskAsync(Guid videoId, string question, CancellationToken cancellationToken)
    {
        if (!IsAvailable)
        {
            throw new TaskFailureException(ErrorCodes.NotConfigured, NotConfigured);
        }

        var (video, segments) = await ReadAsync(videoId, cancellationToken);
        var chosen = await ChooseAsync(segments, question, videoId, cancellationToken);
        var excerpts = new StringBuilder();
        foreach (var segment in chosen)
        {
            excerpts.Append('[').Append(Stamp(segment.StartSeconds)).Append("] (").Append(Label(segment.Source)).Append(") ").AppendLine(segment.Text);
        }

        var reply = await chat.CompleteAsync(SystemPrompt,
            $"Video: {video.OriginalFileName}\n\nExcerpts:\n{excerpts}\nQuestion: {question.Trim()}", cancellationToken);
        return new Answer(reply.Trim(), Citations(reply), chosen.Count);
    }

    /// <summary>
    /// Without a chat model: the excerpts that share the most of the question's words (each word counts on its own,
    /// ranked as the index ranks it), at most <paramref name="max"/>, in time order; the video's first ones when none does.
    /// </summary>
    public async Task<IReadOnlyList<Excerpt>> ExcerptsAsync(Guid videoId, string question, int max, CancellationToken cancellationToken)
    {
        var (_, segments) = await ReadAsync(videoId, cancellationToken);
        var scores = new Dictionary<long, double>();
        foreach (var word in Words().Matches(question).Select(m => m.Value.ToLowerInvariant()).Where(w => !QuestionWords.Contains(w)).Distinct())
        {
            var matches = await index.SearchAsync(word, videoId, 20, cancellationToken);
            for (var rank = 0; rank < matches.Count; rank++)
            {
                scores[matches[rank].SegmentId] = scores.GetValueOrDefault(matches[rank].SegmentId) + 1.0 / (60 + rank + 1);
            }
        }

        var best = scores.Count == 0
            ? segments.Take(max)
            : segments.Where(s => scores.ContainsKey(s.Id)).OrderByDescending(s => scores[s.Id]).ThenBy(s => s.StartSeconds).Take(max);
        return best.OrderBy(s => s.StartSeconds).Select(s => new Excerpt(s.StartSeconds, s.EndSeconds, Label(s.Source), s.Text)).ToArray();
    }

    /// <summary>Words a question is made of that say nothing about what it asks.</summary>
    private static readonly HashSet<string> QuestionWords =
        ["what", "when", "where", "which", "who", "whom", "why", "how", "does", "did", "the", "and", "are", "was", "were", "this", "that", "video", "about", "say", "said", "says"];

    private async Task<(Videos.Video Video, List<TextSegment> Segments)> ReadAsync(Guid videoId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var video = await db.Videos.AsNoTracking().FirstOrDefaultAsync(v => v.Id == videoId, cancellationToken)
                    ?? throw new TaskFailureException(ErrorCodes.NotFound, "There is no such video.");
        var segments = await db.TextSegments.AsNoTracking().Where(s => s.VideoId == videoId).OrderBy(s => s.StartSeconds).ToListAsync(cancellationToken);
        if (segments.Count == 0)
        {
            throw new TaskFailureException(ErrorCodes.NothingToRead, "Nothing has been read from this video yet (no speech, on-screen text or captions); ingest it first.");
        }

        return (video, segments);
    }

    /// <summary>Everything when it fits; otherwise the excerpts that match the question's words, then the rest by time, until full.</summary>
    private async Task<IReadOnlyList<TextSegment>> ChooseAsync(List<TextSegment> segments, string question, Guid videoId, CancellationToken cancellationToken)
    {
        if (segments.Sum(s => s.Text.Length + 24) <= MaxContextCharacters)
        {
            return segments;
        }

        var relevant = (await index.SearchAsync(string.Join(' ', Words().Matches(question).Select(m => m.Value)), videoId, 60, cancellationToken))
            .Select(m => m.SegmentId).ToHashSet();
        var chosen = new List<TextSegment>();
        var used = 0;
        foreach (var segment in segments.OrderByDescending(s => relevant.Contains(s.Id)).ThenBy(s => s.StartSeconds))
        {
            if (used + segment.Text.Length + 24 > MaxContextCharacters)
            {
                break;
            }

            chosen.Add(segment);
            used += segment.Text.Length + 24;
        }

        return chosen.OrderBy(s => s.StartSeconds).ToArray();
    }

    /// <summary>Every [m:ss] or [h:mm:ss] in the answer, once each, in order.</summary>
    internal static IReadOnlyList<Citation> Citations(string answer) =>
        Stamps().Matches(answer)
            .Select(m =>
            {
                var parts = m.Groups[1].Value.Split(':').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
                var seconds = parts.Aggregate(0, (total, part) => total * 60 + part);
                return new Citation(seconds, m.Groups[1].Value);
            })
            .DistinctBy(c => c.Seconds)
            .ToArray();

    public static string Stamp(double seconds)
    {
        var time = TimeSpan.FromSeconds(Math.Floor(seconds));
        return time.TotalHours >= 1 ? $"{(int)time.TotalHours}:{time.Minutes:00}:{time.Seconds:00}" : $"{(int)time.TotalMinutes}:{time.Seconds:00}";
    }

    private static string Label(TextSource source) => source switch
    {
        TextSource.Speech => "speech",
        TextSource.ScreenText => "on-screen text",
        _ => "caption",
    };

    [GeneratedRegex(@"\[((?:\d+:)?\d{1,2}:\d{2})\]")]
    private static partial Regex Stamps();

    [GeneratedRegex(@"[\p{L}\p{N}]{3,}")]
    private static partial Regex Words();
}
