using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Videos;
using VaasWeb.Security;

namespace VaasWeb.Api;

/// <summary>What was said in a video as subtitles: WebVTT for players (the video page's captions track), SRT for editors.</summary>
internal static class SubtitleEndpoints
{
    public const string WebVttType = "text/vtt; charset=utf-8";
    public const string SrtType = "application/x-subrip; charset=utf-8";

    public static IEndpointRouteBuilder MapSubtitleApi(this IEndpointRouteBuilder app)
    {
        var subtitles = app.MapGroup("/api/videos/{videoId:guid}").WithTags("Videos").RequireAuthorization(Policies.Viewer);
        subtitles.MapGet("/subtitles.vtt", (Guid videoId, IDbContextFactory<VaasDbContext> dbFactory, CancellationToken cancellationToken) =>
                ServeAsync(videoId, dbFactory, Subtitles.ToWebVtt, WebVttType, cancellationToken))
            .WithName("GetSubtitlesWebVtt").WithSummary("The speech as WebVTT subtitles (lines of at most 42 characters); empty of cues when nothing was said.")
            .Produces<string>(StatusCodes.Status200OK, "text/vtt").ProducesProblem(StatusCodes.Status404NotFound);
        subtitles.MapGet("/subtitles.srt", (Guid videoId, IDbContextFactory<VaasDbContext> dbFactory, CancellationToken cancellationToken) =>
                ServeAsync(videoId, dbFactory, Subtitles.ToSrt, SrtType, cancellationToken))
            .WithName("GetSubtitlesSrt").WithSummary("The speech as SRT subtitles, numbered cues of at most two 42-character lines.")
            .Produces<string>(StatusCodes.Status200OK, "application/x-subrip").ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> ServeAsync(
        Guid videoId, IDbContextFactory<VaasDbContext> dbFactory, Func<IReadOnlyList<SubtitleCue>, string> format, string contentType, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await Subtitles.ForVideoAsync(db, videoId, cancellationToken) is { } cues
            ? Results.Text(format(cues), contentType)
            : TypedResults.Problem($"There is no video {videoId}.", statusCode: StatusCodes.Status404NotFound);
    }
}
