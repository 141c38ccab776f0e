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

    public bool IsAvailable => options.Value.Chat.IsConfigured;

    public async Task<Answer> AskAsync(Guid videoId, string question, CancellationToken cancellationToken)
    {
        if (!IsAvailable)
        {
            throw new TaskFailureException(ErrorCodes.NotConfigured, "No chat model is configured: set Intelligence:Chat:Endpoint, Model and ApiKey.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var video = await db.Videos.AsNoTracking().FirstOrDefaultAsync(v => v.Id == videoId, cancellationToken)
                    ?? throw new TaskFailureException(ErrorCodes.NotFound, "There is no such video.");
        var segments = await db.TextSegments.AsNoTracking().Where(s => s.VideoId == videoId).OrderBy(s => s.StartSeconds).ToListAsync(cancellationToken);
        if (segments.Count == 0)
        {
            throw new TaskFailureException(ErrorCodes.NothingToRead, "Nothing has been read from this video yet (no speech, on-screen text or captions); ingest it first.");
        }

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

    internal static string Stamp(double seconds)
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
