using Microsoft.AspNetCore.Http.HttpResults;
using VaasWeb.Processing.Videos;
using VaasWeb.Security;

namespace VaasWeb.Api;

public sealed record VideoDeletedResponse(string Message, Guid VideoId);

internal static class VideoEndpoints
{
    public static IEndpointRouteBuilder MapVideoApi(this IEndpointRouteBuilder app)
    {
        var videos = app.MapGroup("/api/videos").WithTags("Videos");
        videos.MapDelete("/{videoId:guid}", DeleteAsync).WithName("DeleteVideo").RequireAuthorization(Policies.Admin)
            .WithSummary("Delete a video with its files, tasks, frames, text and index entries (admins); 409 while one of its tasks runs.");
        return app;
    }

    private static async Task<Results<Ok<VideoDeletedResponse>, ProblemHttpResult>> DeleteAsync(
        Guid videoId, HttpContext http, VideoDeletion deletion, CancellationToken cancellationToken)
    {
        var (outcome, detail) = await deletion.DeleteAsync(videoId, http.Actor(), cancellationToken);
        return outcome switch
        {
            DeleteVideoOutcome.Deleted => TypedResults.Ok(new VideoDeletedResponse("Video deleted", videoId)),
            DeleteVideoOutcome.NotFound => TypedResults.Problem($"There is no video {videoId}.", statusCode: StatusCodes.Status404NotFound),
            _ => TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict),
        };
    }
}
