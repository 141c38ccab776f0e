using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Generation;
using VaasWeb.Processing.Generation.MiniMax;

namespace VaasWeb.Api;

/// <summary>
/// Where MiniMax calls back (<c>MiniMax:CallbackBaseUrl</c>): first <c>{"challenge": "…"}</c>, echoed at once, then
/// status updates shaped like its status answer, which move the generation on without waiting for the next poll.
/// No key (MiniMax has none of ours): the URL's token, made for this task alone, is the credential, and a callback
/// must also name the MiniMax task the generation was accepted as. Anything else is turned away and changes nothing.
/// </summary>
internal static class MiniMaxCallbackEndpoints
{
    /// <summary>A status update is a few hundred bytes; nothing larger is read.</summary>
    private const int MaxBodyBytes = 64 * 1024;

    private const string NotWaiting = "No generation is waiting for this callback.";

    public static IEndpointRouteBuilder MapMiniMaxCallbacks(this IEndpointRouteBuilder app)
    {
        app.MapPost($"{GenerationCallbacks.PathPrefix}/{{taskId:guid}}", ReceiveAsync)
            .AllowAnonymous().DisableAntiforgery().WithName("MiniMaxCallback")
            // MiniMax's, not the scripts' API: no client should be generated for it.
            .ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> ReceiveAsync(
        Guid taskId, string? token, HttpRequest request, GenerationCallbacks callbacks, GenerationPoller poller,
        IDbContextFactory<VaasDbContext> dbFactory, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(MiniMaxCallbackEndpoints));
        if (!callbacks.Enabled || !callbacks.IsGenuine(taskId, token))
        {
            logger.LogInformation("A MiniMax callback for task {TaskId} without this server's token was ignored", taskId);
            return TypedResults.Problem(NotWaiting, statusCode: StatusCodes.Status404NotFound);
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            return TypedResults.Problem($"A callback body is at most {MaxBodyBytes / 1024} KB.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            body = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return TypedResults.Problem("The callback body is not JSON.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("challenge", out var challenge))
        {
            // MiniMax checks the URL before it uses it: the same value back, within about 3 s.
            return challenge.ValueKind == JsonValueKind.String
                ? Results.Json(new { challenge = challenge.GetString() })
                : TypedResults.Problem("The challenge must be a string.", statusCode: StatusCodes.Status400BadRequest);
        }

        string? miniMaxTaskId;
        GenerationReport report;
        try
        {
            (miniMaxTaskId, report) = MiniMaxClient.ReadCallback(body);
        }
        catch (Exception e) when (e is MiniMaxException or JsonException)
        {
            return TypedResults.Problem($"The callback is not a MiniMax status update: {e.Message}", statusCode: StatusCodes.Status400BadRequest);
        }

        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var generation = await db.Generations.Where(g => g.TaskId == taskId).Select(g => new { g.MiniMaxTaskId }).FirstOrDefaultAsync(cancellationToken);
            if (generation is { MiniMaxTaskId: null })
            {
                // MiniMax calls back as it answers the submit, which may be before the answer is written down: this
                // update cannot be checked yet, and the first poll reads the same status.
                logger.LogInformation("MiniMax called back for generation {TaskId} before its submit was recorded; left to the poll", taskId);
                return Results.Json(new { accepted = false });
            }

            if (generation is null || generation.MiniMaxTaskId != miniMaxTaskId)
            {
                logger.LogInformation("A MiniMax callback for task {TaskId} named MiniMax task {Named}, not its own; ignored", taskId, miniMaxTaskId);
                return TypedResults.Problem(NotWaiting, statusCode: StatusCodes.Status404NotFound);
            }
        }

        var accepted = await poller.AcceptCallbackAsync(taskId, report);
        logger.LogInformation("MiniMax called back for generation {TaskId}: {Status} ({Outcome})", taskId, report.RawStatus, accepted ? "taken" : "it had moved on");
        return Results.Json(new { accepted });
    }
}
