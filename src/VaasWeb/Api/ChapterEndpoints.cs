using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Intelligence;
using VaasWeb.Processing.Videos;
using VaasWeb.Security;

namespace VaasWeb.Api;

public sealed record ChapterResponse(int Index, double Start, double End, string Title, ChapterTitleSource TitleSource, string? Summary, string PlayUrl);

public sealed record ChaptersResponse(Guid VideoId, IReadOnlyList<ChapterResponse> Chapters, [property: JsonPropertyName("webvtt_url")] string WebVttUrl);

/// <summary>A video's chapters: JSON for programs, WebVTT for players (the video page's chapters track).</summary>
internal static class ChapterEndpoints
{
    public static IEndpointRouteBuilder MapChapterApi(this IEndpointRouteBuilder app)
    {
        var chapters = app.MapGroup("/api/videos/{videoId:guid}").WithTags("Videos").RequireAuthorization(Policies.Viewer);
        chapters.MapGet("/chapters", GetAsync).WithName("GetChapters")
            .WithSummary("The video's chapters in order (start, end, title and where it came from, a summary with a chat model); empty until it is ingested.");
        chapters.MapGet("/chapters.vtt", GetWebVttAsync).WithName("GetChaptersWebVtt")
            .WithSummary("The chapters as WebVTT (kind=\"chapters\" for a <track>): one cue per chapter, its title as the text.")
            .Produces<string>(StatusCodes.Status200OK, "text/vtt").ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static string WebVttUrl(Guid videoId) => $"/api/videos/{videoId}/chapters.vtt";

    internal static async Task<Results<Ok<ChaptersResponse>, ProblemHttpResult>> GetAsync(
        Guid videoId, IDbContextFactory<VaasDbContext> dbFactory, IOptions<IntelligenceOptions> options, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await Chapters.ForVideoAsync(db, videoId, options.Value, cancellationToken) is not { } chapters)
        {
            return NotFound(videoId);
        }

        return TypedResults.Ok(new ChaptersResponse(
            videoId,
            [.. chapters.Select(c => new ChapterResponse(c.Index, c.StartSeconds, c.EndSeconds, c.Title, c.TitleSource, c.Summary, SearchHitResponse.PlayUrlOf(videoId, c.StartSeconds)))],
            WebVttUrl(videoId)));
    }

    private static async Task<IResult> GetWebVttAsync(
        Guid videoId, IDbContextFactory<VaasDbContext> dbFactory, IOptions<IntelligenceOptions> options, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await Chapters.ForVideoAsync(db, videoId, options.Value, cancellationToken) is { } chapters
            ? Results.Text(Chapters.ToWebVtt(chapters), SubtitleEndpoints.WebVttType)
            : NotFound(videoId);
    }

    private static ProblemHttpResult NotFound(Guid videoId) =>
        TypedResults.Problem($"There is no video {videoId}.", statusCode: StatusCodes.Status404NotFound);
}
