using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Intelligence;
using VaasWeb.Processing.Search;
using VaasWeb.Processing.Videos;

namespace VaasWeb.Processing.Ingestion.Steps;

/// <summary>
/// Optional: cuts the video into chapters from its pictures and text (<see cref="ChapterPlanner"/>, offline) and, with
/// a chat model configured, has it write each chapter a one-line title and a short summary. A chat model that fails
/// or answers nonsense costs only its titles: the offline ones are kept and the step says why.
/// </summary>
internal sealed class ChaptersStep(
    IChatCompleter chat, IDbContextFactory<VaasDbContext> dbFactory, IOptions<IntelligenceOptions> options, ILogger<ChaptersStep> logger) : IIngestionStep
{
    /// <summary>Chapters named per chat request; a long lecture takes a few requests, not one per chapter.</summary>
    internal const int ChaptersPerRequest = 25;

    /// <summary>Text of a chapter sent to the model, on screen and spoken each.</summary>
    private const int MaxTextPerChapter = 600;

    internal const string NamingPrompt =
        "You name the chapters of a video from the text shown on screen and spoken in each. Answer with JSON only: an array "
        + "with one object per chapter, in the order given, each {\"title\": a title of at most 60 characters, \"summary\": "
        + "one or two sentences}. Use only what the chapter's text says; never invent.";

    public string Name => "chapters";
    public double Weight => 1;
    public bool IsOptional => true;

    public async Task<StepOutcome> RunAsync(IngestionRun run, IProgress<double> progress, CancellationToken cancellationToken)
    {
        var o = options.Value;
        List<Frame> frames;
        List<TextSegment> text;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            frames = await db.Frames.AsNoTracking().Where(f => f.VideoId == run.VideoId).OrderBy(f => f.Index).ToListAsync(cancellationToken);
            text = await db.TextSegments.AsNoTracking()
                .Where(s => s.VideoId == run.VideoId && (s.Source == TextSource.ScreenText || s.Source == TextSource.Speech))
                .OrderBy(s => s.StartSeconds).ThenBy(s => s.Id)
                .ToListAsync(cancellationToken);
        }

        var planned = Chapters.Plan(run.VideoId, frames, text, run.RequireMedia().Duration.TotalSeconds, o);
        progress.Report(0.2);
        var named = planned.Select(c => (c.Title, c.TitleSource, Summary: (string?)null)).ToArray();
        var note = "";
        if (planned.Count > 0 && o.Chat.IsConfigured && o.Chat.NameChapters)
        {
            var speech = Subtitles.Cues(text.Where(s => s.Source == TextSource.Speech));
            for (var first = 0; first < planned.Count; first += ChaptersPerRequest)
            {
                var batch = planned.Skip(first).Take(ChaptersPerRequest).ToArray();
                try
                {
                    var answer = await chat.CompleteAsync(NamingPrompt, Describe(batch, speech), cancellationToken);
                    var names = ParseNames(answer, batch.Length);
                    for (var i = 0; i < batch.Length; i++)
                    {
                        named[first + i] = (ChapterPlanner.Shorten(names[i].Title), ChapterTitleSource.Model, Clip(names[i].Summary, Chapter.MaxSummaryLength));
                    }
                }
                catch (Exception e) when (e is ProviderException or FormatException)
                {
                    logger.LogWarning("The chat model could not name chapters of video {VideoId}; keeping the titles from its text: {Reason}", run.VideoId, e.Message);
                    note = $"; titles from the video's text, because the chat model could not name them: {e.Message}";
                    break;
                }

                progress.Report(0.2 + 0.7 * Math.Min(1, (first + batch.Length) / (double)planned.Count));
            }
        }

        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            db.Chapters.AddRange(planned.Select((c, i) => new Chapter(run.VideoId, i, c.StartSeconds, c.EndSeconds, named[i].Title, named[i].TitleSource)
            {
                Summary = named[i].Summary,
            }));
            await db.SaveChangesAsync(cancellationToken);
        }

        progress.Report(1);
        return planned.Count == 0
            ? StepOutcome.Skipped("the video has no pictures to cut into chapters")
            : StepOutcome.Done($"{planned.Count} chapter{(planned.Count == 1 ? "" : "s")}{note}");
    }

    /// <summary>The chapters as the model reads them: number, span, what is on screen, what is said.</summary>
    internal static string Describe(IReadOnlyList<PlannedChapter> chapters, IReadOnlyList<SubtitleCue> speech)
    {
        var prompt = new StringBuilder();
        for (var i = 0; i < chapters.Count; i++)
        {
            var c = chapters[i];
            var spoken = string.Join(' ', speech.Where(s => s.StartSeconds >= c.StartSeconds && s.StartSeconds < c.EndSeconds).SelectMany(s => s.Lines));
            prompt.Append(CultureInfo.InvariantCulture, $"Chapter {i + 1} ({c.StartSeconds:0.#} s to {c.EndSeconds:0.#} s)\n");
            prompt.Append("On screen: ").Append(Clip(c.ScreenText, MaxTextPerChapter) ?? "(nothing)").Append('\n');
            prompt.Append("Spoken: ").Append(Clip(spoken, MaxTextPerChapter) ?? "(nothing)").Append("\n\n");
        }

        return prompt.ToString();
    }

    /// <summary>The model's array of names; a <see cref="FormatException"/> saying what was wrong when it is not one name per chapter.</summary>
    internal static IReadOnlyList<ChapterName> ParseNames(string answer, int expected)
    {
        // Models like to wrap JSON in a code fence or a sentence; the array is what counts.
        var open = answer.IndexOf('[');
        var close = answer.LastIndexOf(']');
        if (open < 0 || close < open)
        {
            throw new FormatException("its answer held no JSON array of chapter names.");
        }

        List<ChapterName>? names;
        try
        {
            names = JsonSerializer.Deserialize<List<ChapterName>>(answer.AsSpan(open, close - open + 1));
        }
        catch (JsonException e)
        {
            throw new FormatException($"its answer was not valid JSON ({e.Message}).", e);
        }

        if (names is null || names.Count != expected)
        {
            throw new FormatException($"it named {names?.Count ?? 0} chapters, not {expected}.");
        }

        if (names.Any(n => string.IsNullOrWhiteSpace(n.Title)))
        {
            throw new FormatException("it left a chapter without a title.");
        }

        return names;
    }

    private static string? Clip(string? text, int max)
    {
        var trimmed = text?.Trim();
        return string.IsNullOrEmpty(trimmed) ? null : trimmed.Length <= max ? trimmed : trimmed[..(max - 1)].TrimEnd() + "…";
    }

    internal sealed record ChapterName(
        [property: JsonPropertyName("title")] string Title,
        [property: JsonPropertyName("summary")] string? Summary);
}
