using System.ComponentModel;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using VaasWeb.Api;
using VaasWeb.Processing.Clips;
using VaasWeb.Processing.Failures;
using VaasWeb.Processing.Search;
using VaasWeb.Processing.Storage;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Videos;

namespace VaasWeb.Mcp;

public sealed record VideoSummary(
    Guid VideoId,
    string Name,
    string VideoPath,
    VideoSource Source,
    double? DurationSeconds,
    int? Width,
    int? Height,
    bool HasAudio,
    DateTimeOffset AddedAt,
    TaskState? Status,
    Guid? TaskId,
    string PlayUrl);

public sealed record VideoList(IReadOnlyList<VideoSummary> Videos);

/// <param name="Hit">What the clip was cut around.</param>
public sealed record ClipResult(Guid VideoId, string Url, double Start, double End, bool Cached, SearchHitResponse Hit);

/// <param name="Answer">The chat model's answer; null without one (then <c>Note</c> says what to configure).</param>
/// <param name="Excerpts">Without a chat model, the excerpts that best match the question, with their seconds.</param>
public sealed record AskResult(string? Answer, IReadOnlyList<Citation> Citations, int ExcerptsUsed, IReadOnlyList<Excerpt> Excerpts, string? Note);

/// <summary>
/// The library as tools, named as the original vaas MCP server names them. Each calls what the REST endpoint calls
/// (the endpoint's own handler where it has one) and answers with the same sentences. Parameter names are the wire
/// names (snake_case): the SDK takes a tool's argument names from its parameters.
/// </summary>
[McpServerToolType]
internal sealed class VideoTools(
    ToolCaller caller,
    VideoQueries library,
    MediaStorage storage,
    VideoImporter importer,
    TaskLifecycle lifecycle,
    SearchService search,
    ClipService clips,
    VideoQuestions questions,
    Limits.QueuedTaskCap cap,
    IDbContextFactory<VaasWeb.Processing.Data.VaasDbContext> dbFactory,
    IOptions<VaasWeb.Processing.Intelligence.IntelligenceOptions> intelligence)
{
    [McpServerTool(Name = "list_videos", Title = "List videos", ReadOnly = true, UseStructuredContent = true, OutputSchemaType = typeof(VideoList))]
    [Description("Every video in the VaasWeb library, newest first: its video_id (what the other tools take), name, duration, size, and the status of its latest ingestion (completed means it can be searched).")]
    public async Task<CallToolResult> ListVideosAsync(CancellationToken cancellationToken)
    {
        var videos = await library.ListAsync(cancellationToken);
        return ToolResults.Ok(new VideoList(videos.Select(v => new VideoSummary(
            v.Video.Id, v.Video.OriginalFileName, v.Video.StoredPath, v.Video.Source, v.Video.DurationSeconds, v.Video.Width, v.Video.Height,
            v.Video.HasAudio, v.Video.CreatedAt, v.Ingestion?.State, v.Ingestion?.TaskId, caller.Absolute($"/videos/{v.Video.Id}"))).ToArray()));
    }

    [McpServerTool(Name = "process_video", Title = "Process a video", Destructive = false, UseStructuredContent = true, OutputSchemaType = typeof(ProcessVideoResponse))]
    [Description("Queue the ingestion of a video (frames, on-screen text, speech, search index), as POST /process-video does; needs the Uploader or Admin role. Give video_id (from list_videos) or video_path (relative to the media root, as upload-video returned it). A video already queued or running keeps its task. Follow the returned task_id with get_task_status.")]
    public async Task<CallToolResult> ProcessVideoAsync(
        [Description("The video's id, from list_videos.")] string? video_id = null,
        [Description("Or the video's path relative to the media root, e.g. videos/<file>.mp4.")] string? video_path = null,
        CancellationToken cancellationToken = default)
    {
        if (!caller.CanUpload)
        {
            return ToolResults.Error(StatusCodeResponses.Forbidden);
        }

        if (!string.IsNullOrWhiteSpace(video_id))
        {
            if (!Guid.TryParse(video_id, out var id) || await library.StoredPathAsync(id, cancellationToken) is not { } stored)
            {
                return ToolResults.Error(NoVideo(video_id));
            }

            video_path = stored;
        }
        else if (string.IsNullOrWhiteSpace(video_path))
        {
            return ToolResults.Error("Give video_id (from list_videos) or video_path (as upload-video returned it).");
        }

        return ToolResults.From<ProcessVideoResponse>((await SeedEndpoints.QueueAsync(video_path, caller.Request, storage, importer, cap, cancellationToken)).Result);
    }

    [McpServerTool(Name = "get_task_status", Title = "Task status", ReadOnly = true, UseStructuredContent = true, OutputSchemaType = typeof(TaskStatusResponse))]
    [Description("The status of a task (an ingestion or a generation), as GET /task-status/{task_id}: pending, in_progress, completed or failed, with its step, progress (0-100), attempt and error {code, message}.")]
    public async Task<CallToolResult> GetTaskStatusAsync(
        [Description("The task id that process_video, generate_video or an upload returned.")] string task_id,
        CancellationToken cancellationToken = default) =>
        ToolResults.From<TaskStatusResponse>((await SeedEndpoints.GetTaskStatusAsync(task_id, lifecycle, cancellationToken)).Result);

    [McpServerTool(Name = "search_videos", Title = "Search videos", ReadOnly = true, UseStructuredContent = true, OutputSchemaType = typeof(SearchResponse))]
    [Description("Ranked places in the videos (or one video) where the words are said, shown on screen, or described, as GET /api/search: each hit has its video, start and end seconds, source (speech, screen_text, caption), the text, and a play_url that opens the player at that moment. All words must appear; \"quoted words\" together.")]
    public async Task<CallToolResult> SearchVideosAsync(
        [Description("What to look for, in words.")] string query,
        [Description("Only this video (an id from list_videos); all videos when left out.")] string? video_id = null,
        [Description("At most this many hits (1-100).")] int limit = 10,
        CancellationToken cancellationToken = default)
    {
        if (!TryVideoId(video_id, out var id))
        {
            return ToolResults.Error(NoVideo(video_id));
        }

        return ToolResults.From<SearchResponse>((await SearchEndpoints.SearchTextAsync(query, id, limit, search, cancellationToken)).Result, Absolute);
    }

    [McpServerTool(Name = "get_video_clip_from_user_query", Title = "Clip from a query", ReadOnly = true, UseStructuredContent = true, OutputSchemaType = typeof(ClipResult))]
    [Description("Cut a clip of a video around the best place that matches the query (what is said, shown or described there): the clip's URL (an MP4, fetched with the same X-Api-Key) and its start and end seconds. Clips are kept 24 h, so asking twice cuts once.")]
    public async Task<CallToolResult> GetVideoClipFromUserQueryAsync(
        [Description("The video to cut from (an id from list_videos).")] string video_id,
        [Description("What the clip should show, in words.")] string user_query,
        CancellationToken cancellationToken = default)
    {
        if (!TryVideoId(video_id, out var id) || id is null)
        {
            return ToolResults.Error(NoVideo(video_id));
        }

        var found = (await SearchEndpoints.SearchTextAsync(user_query, id, 1, search, cancellationToken)).Result;
        if (found is not Microsoft.AspNetCore.Http.HttpResults.Ok<SearchResponse> { Value: { } response })
        {
            return ToolResults.Error(ToolResults.SentenceOf(found));
        }

        if (response.Hits is not [var hit, ..])
        {
            return await library.StoredPathAsync(id.Value, cancellationToken) is null
                ? ToolResults.Error(NoVideo(video_id))
                : ToolResults.Error(response.Notice ?? $"Nothing said, shown or described in this video matches \"{user_query}\".");
        }

        return await ClipAroundAsync(hit, cancellationToken);
    }

    [McpServerTool(Name = "get_video_clip_from_image", Title = "Clip from a picture", ReadOnly = true, UseStructuredContent = true, OutputSchemaType = typeof(ClipResult))]
    [Description("Cut a clip around the sampled frame that looks most like a picture (a screenshot finds its moment), in one video or all: the clip's URL (an MP4, fetched with the same X-Api-Key) and its start and end seconds.")]
    public async Task<CallToolResult> GetVideoClipFromImageAsync(
        [Description("The picture (JPEG, PNG or WebP, at most 20 MiB): base64, or a data URL such as data:image/png;base64,...")] string image,
        [Description("Only this video (an id from list_videos); all videos when left out.")] string? video_id = null,
        CancellationToken cancellationToken = default)
    {
        if (!TryVideoId(video_id, out var id))
        {
            return ToolResults.Error(NoVideo(video_id));
        }

        if (Base64Picture.Decode(image) is not { } bytes)
        {
            return ToolResults.Error("image must be a picture as base64 or a data URL (data:image/jpeg;base64,...).");
        }

        if (bytes.Length > SearchEndpoints.MaxPictureBytes)
        {
            return ToolResults.Error(SearchEndpoints.PictureTooLarge);
        }

        var found = (await SearchEndpoints.SearchPictureAsync((stream, ct) => stream.WriteAsync(bytes, ct).AsTask(), id, 1, search, cancellationToken)).Result;
        if (found is not Microsoft.AspNetCore.Http.HttpResults.Ok<SearchResponse> { Value: { } response })
        {
            return ToolResults.Error(ToolResults.SentenceOf(found));
        }

        return response.Hits is [var hit, ..]
            ? await ClipAroundAsync(hit, cancellationToken)
            : ToolResults.Error(response.Notice ?? "No sampled frame looks like this picture.");
    }

    [McpServerTool(Name = "ask_question_about_video", Title = "Ask about a video", ReadOnly = true, UseStructuredContent = true, OutputSchemaType = typeof(AskResult))]
    [Description("Answer a question about a video from its speech, on-screen text and captions, citing the seconds it relied on (needs a chat model on the server). Without one: the excerpts that best match the question, with their seconds, and a note saying what to configure.")]
    public async Task<CallToolResult> AskQuestionAboutVideoAsync(
        [Description("The video (an id from list_videos).")] string video_id,
        [Description("The question, in words.")] string question,
        CancellationToken cancellationToken = default)
    {
        if (!TryVideoId(video_id, out var id) || id is null)
        {
            return ToolResults.Error(NoVideo(video_id));
        }

        if (questions.IsAvailable || string.IsNullOrWhiteSpace(question))
        {
            return ToolResults.From<AskResponse>((await SearchEndpoints.AskAsync(id.Value, new AskRequest(question), questions, cancellationToken)).Result,
                answer => new AskResult(answer.Answer, answer.Citations, answer.ExcerptsUsed, [], null));
        }

        try
        {
            var excerpts = await questions.ExcerptsAsync(id.Value, question, 5, cancellationToken);
            return ToolResults.Ok(new AskResult(null, excerpts.Select(e => new Citation(e.Start, VideoQuestions.Stamp(e.Start))).ToArray(), excerpts.Count, excerpts,
                $"{VideoQuestions.NotConfigured} Until then, these are the excerpts that best match the question."));
        }
        catch (TaskFailureException e)
        {
            return ToolResults.Error(ToolResults.SentenceOf(Problems.Of(e)));
        }
    }

    [McpServerTool(Name = "get_video_chapters", Title = "Chapters of a video", ReadOnly = true, UseStructuredContent = true, OutputSchemaType = typeof(ChaptersResponse))]
    [Description("The chapters of a video in order, as GET /api/videos/{video_id}/chapters: each with its start and end seconds, a title (from the slide's title, the first words spoken, or the chat model when one is configured; title_source says which), a summary when a chat model wrote one, and a play_url that opens the player at its start. Empty until the video is ingested.")]
    public async Task<CallToolResult> GetVideoChaptersAsync(
        [Description("The video (an id from list_videos).")] string video_id,
        CancellationToken cancellationToken = default)
    {
        if (!Guid.TryParse(video_id, out var id))
        {
            return ToolResults.Error(NoVideo(video_id));
        }

        return ToolResults.From<ChaptersResponse>((await ChapterEndpoints.GetAsync(id, dbFactory, intelligence, cancellationToken)).Result,
            chapters => chapters with
            {
                Chapters = chapters.Chapters.Select(c => c with { PlayUrl = caller.Absolute(c.PlayUrl) }).ToArray(),
                WebVttUrl = caller.Absolute(chapters.WebVttUrl),
            });
    }

    private async Task<CallToolResult> ClipAroundAsync(SearchHitResponse hit, CancellationToken cancellationToken) =>
        ToolResults.From<ClipResponse>(
            (await SearchEndpoints.CutClipAsync(new ClipRequest(hit.VideoId, hit.Source, hit.Start, hit.End), clips, cancellationToken)).Result,
            clip => new ClipResult(clip.VideoId, caller.Absolute(clip.Url), clip.Start, clip.End, clip.Cached, Absolute(hit)));

    private SearchResponse Absolute(SearchResponse response) => response with { Hits = response.Hits.Select(Absolute).ToArray() };

    private SearchHitResponse Absolute(SearchHitResponse hit) => hit with
    {
        PlayUrl = caller.Absolute(hit.PlayUrl),
        ThumbnailUrl = hit.ThumbnailUrl is null ? null : caller.Absolute(hit.ThumbnailUrl),
    };

    private static bool TryVideoId(string? text, out Guid? id)
    {
        id = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (!Guid.TryParse(text, out var parsed))
        {
            return false;
        }

        id = parsed;
        return true;
    }

    private static string NoVideo(string? id) => $"There is no video {id}.";
}
