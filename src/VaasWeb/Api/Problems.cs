using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using VaasWeb.Processing.Failures;
using VaasWeb.Processing.Generation;
using VaasWeb.Processing.Intelligence;
using VaasWeb.Processing.Generation.MiniMax;

namespace VaasWeb.Api;

/// <summary>
/// The one place an expected failure becomes an API answer: its code's <see cref="FailureKind"/> picks the status
/// (the caller's input 4xx, the server's own trouble 5xx, never the other way round) and its message is the detail.
/// Handlers that catch a <see cref="TaskFailureException"/> answer with <see cref="Of"/>; one that escapes a handler
/// reaches <see cref="Handler"/>, which answers the same way without logging it as an error.
/// </summary>
internal static class Problems
{
    public static ProblemHttpResult Of(TaskFailureException e) => e switch
    {
        ProviderException provider => TypedResults.Problem(e.Message, statusCode: StatusCodes.Status502BadGateway, title: $"{provider.Provider} failed"),
        MiniMaxException => TypedResults.Problem(e.Message, statusCode: StatusCodes.Status502BadGateway, title: "MiniMax did not give a usable answer"),
        _ => e.Code switch
        {
            ErrorCodes.NotAVideo or ErrorCodes.UnreadableMedia =>
                TypedResults.Problem(e.Message, statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Not a video"),
            ErrorCodes.ToolUnavailable => TypedResults.Problem($"{e.Message} Nothing was kept; this is the server's fault, not the file's.",
                statusCode: StatusCodes.Status503ServiceUnavailable, title: "A tool the server needs is not working"),
            ErrorCodes.DiskFull => TypedResults.Problem(e.Message, statusCode: StatusCodes.Status507InsufficientStorage, title: "The server's disk is full"),
            _ => TypedResults.Problem(e.Message, statusCode: StatusOf(ErrorCodes.KindOf(e.Code))),
        },
    };

    private static int StatusOf(FailureKind kind) => kind switch
    {
        FailureKind.BadInput => StatusCodes.Status400BadRequest,
        FailureKind.NotFound => StatusCodes.Status404NotFound,
        FailureKind.Conflict => StatusCodes.Status409Conflict,
        FailureKind.NotConfigured => StatusCodes.Status503ServiceUnavailable,
        FailureKind.DiskFull => StatusCodes.Status507InsufficientStorage,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>An expected failure no handler caught: the same answer, and no "unhandled exception" in the log.</summary>
    public sealed class Handler : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
        {
            if (exception is not TaskFailureException failure || http.Response.HasStarted || StatusCodeResponses.IsPageRequest(http))
            {
                return false;
            }

            await Of(failure).ExecuteAsync(http);
            return true;
        }
    }
}
