using Microsoft.AspNetCore.Http.HttpResults;
using VaasWeb.Limits;
using VaasWeb.Processing.Clips;
using VaasWeb.Processing.Intelligence;
using VaasWeb.Processing.Media;
using VaasWeb.Processing.Search;
using VaasWeb.Processing.Storage;
using VaasWeb.Processing.Tasks;

using VaasWeb.Security;
using VaasWeb.Processing.Failures;

namespace VaasWeb.Api;

public sealed record SearchHitResponse(
    Guid VideoId,
    string VideoName,
    HitSource Source,
    double Start,
    double End,
    string Text,
    string Highlighted,
    double Score,
    string? ThumbnailUrl,
    string PlayUrl,
    double ClipStart,
    double ClipEnd,
    double Moment)
{
    public static SearchHitResponse Of(SearchHit hit) => new(
        hit.VideoId, hit.VideoName, hit.Source, hit.StartSeconds, hit.EndSeconds, hit.Text, hit.HighlightedHtml, hit.Score,
        hit.FramePath is null ? null : MediaEndpoints.UrlOf(hit.FramePath), PlayUrlOf(hit), hit.ClipStartSeconds, hit.ClipEndSeconds, hit.MomentSeconds);

    /// <summary>The video page, playing from the hit's moment (where its word is said, not where its sentence began).</summary>
    public static string PlayUrlOf(SearchHit hit) => PlayUrlOf(hit.VideoId, hit.MomentSeconds);

    /// <summary>The video page, playing from <paramref name="seconds"/>.</summary>
    public static string PlayUrlOf(Guid videoId, double seconds) =>
        $"/videos/{videoId}?t={seconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)}";
}

public sealed record SearchResponse(string? Query, IReadOnlyList<SearchHitResponse> Hits, string? Notice);

public sealed record ClipRequest(Guid VideoId, HitSource Source, double Start, double? End);

public sealed record ClipResponse(Guid VideoId, double Start, double End, string Url, bool Cached);

public sealed record AskRequest(string? Question);

public sealed record AskResponse(string Answer, IReadOnlyList<Citation> Citations, int ExcerptsUsed);

/// <summary>Search by words and by picture, clips around hits, questions about a video.</summary>
internal static class SearchEndpoints
{
    internal const long MaxPictureBytes = 20 * 1024 * 1024;

    internal const string AskSomething = "Ask a question: {\"question\": \"...\"}.";

    internal static string PictureTooLarge => $"A picture may be at most {Processing.Uploads.Bytes.Format(MaxPictureBytes)}.";

    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder app)
    {
        var search = app.MapGroup("/api").WithTags("Search").RequireAuthorization(Policies.Viewer).RequireLimit(LimitKind.Search);
        search.MapGet("/search", SearchTextAsync).WithName("SearchText")
            .WithSummary("Ranked places in the videos (or one, with video=) where the words are said, shown, or described.");
        search.MapPost("/search/image", SearchImageAsync).WithName("SearchImage")
            .WithSummary("The sampled frames that look most like an uploaded picture (multipart field 'file').")
            .DisableAntiforgery();
        search.MapPost("/clips", CutClipAsync).WithName("CutClip")
            .WithSummary("Cut a clip around a hit: a speech hit's audio chunk, or 5 s either side of anything else; cached.");
        search.MapPost("/videos/{videoId:guid}/ask", AskAsync).WithName("AskAboutVideo")
            .WithSummary("Answer a question about a video from its speech, on-screen text and captions, citing times (needs a chat model).");
        return app;
    }

    internal static async Task<Results<Ok<SearchResponse>, ProblemHttpResult>> SearchTextAsync(
        string? q, Guid? video, int? limit, SearchService searchService, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(q))
        {
            return TypedResults.Problem("Say what to look for: /api/search?q=words.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (q.Length > 500)
        {
            return TypedResults.Problem("The query is longer than 500 characters.", statusCode: StatusCodes.Status400BadRequest);
        }

        var result = await searchService.SearchTextAsync(q, video, limit ?? 20, cancellationToken);
        return TypedResults.Ok(new SearchResponse(q, result.Hits.Select(SearchHitResponse.Of).ToArray(), result.Notice));
    }

    private static async Task<Results<Ok<SearchResponse>, ProblemHttpResult>> SearchImageAsync(
        IFormFile? file, Guid? video, int? limit, SearchService searchService, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0)
        {
            return TypedResults.Problem("Send the picture as multipart/form-data in a field named 'file'.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (file.Length > MaxPictureBytes)
        {
            return TypedResults.Problem(PictureTooLarge, statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        return await SearchPictureAsync(file.CopyToAsync, video, limit, searchService, cancellationToken);
    }

    /// <summary>Picture search over a picture <paramref name="write"/> puts in a file of its own; the MCP clip tool calls it too.</summary>
    internal static async Task<Results<Ok<SearchResponse>, ProblemHttpResult>> SearchPictureAsync(
        Func<Stream, CancellationToken, Task> write, Guid? video, int? limit, SearchService searchService, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), $"vaas-picture-{Guid.NewGuid():N}");
        try
        {
            await using (var stream = File.Create(path))
            {
                await write(stream, cancellationToken);
            }

            var result = await searchService.SearchImageAsync(path, video, limit ?? 10, cancellationToken);
            return TypedResults.Ok(new SearchResponse(null, result.Hits.Select(SearchHitResponse.Of).ToArray(), result.Notice));
        }
        catch (MediaException e)
        {
            return Problems.Of(e);
        }
        finally
        {
            File.Delete(path);
        }
    }

    internal static async Task<Results<Ok<ClipResponse>, ProblemHttpResult>> CutClipAsync(
        ClipRequest request, ClipService clips, CancellationToken cancellationToken)
    {
        try
        {
            var clip = await clips.CutAsync(request.VideoId, request.Source, request.Start, request.End, cancellationToken);
            return TypedResults.Ok(new ClipResponse(clip.VideoId, clip.StartSeconds, clip.EndSeconds, MediaEndpoints.UrlOf(clip.Path), clip.Cached));
        }
        catch (TaskFailureException e)
        {
            return Problems.Of(e);
        }
    }

    internal static async Task<Results<Ok<AskResponse>, ProblemHttpResult>> AskAsync(
        Guid videoId, AskRequest request, VideoQuestions questions, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Question))
        {
            return TypedResults.Problem(AskSomething, statusCode: StatusCodes.Status400BadRequest);
        }

        try
        {
            var answer = await questions.AskAsync(videoId, request.Question, cancellationToken);
            return TypedResults.Ok(new AskResponse(answer.Text, answer.Citations, answer.SegmentsUsed));
        }
        catch (TaskFailureException e)
        {
            return Problems.Of(e);
        }
    }
}
