using Microsoft.AspNetCore.Diagnostics;
using VaasWeb.Processing.Storage;

namespace VaasWeb.Api;

/// <summary>
/// Responses the framework ends with an empty body (an unknown address, a wrong content type, a wrong method)
/// still say what was wrong: a problem document for API clients, the not-found page for people in a browser.
/// </summary>
internal static class StatusCodeResponses
{
    public static WebApplication UseStatusCodeResponses(this WebApplication app)
    {
        // Pages: re-executed to /not-found or /Error. These two are registered on the app itself, not inside a branch,
        // so that the re-executed request is routed again (in a UseWhen branch it kept the old, empty endpoint and the
        // browser got a bare 404). API requests pass through them untouched: they turn the feature off below.
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
        }

        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseWhen(context => !IsPageRequest(context), api =>
        {
            api.Use((context, next) =>
            {
                context.Features.Get<IStatusCodePagesFeature>()!.Enabled = false;
                return next(context);
            });
            // An unexpected failure in an API call is a problem document (500), never the HTML error page.
            // A request the framework could not read (a bad form token, a malformed body) is the caller's 400, not a 500;
            // a full disk, wherever a request meets it, is 507.
            api.UseExceptionHandler(new ExceptionHandlerOptions
            {
                StatusCodeSelector = e => e switch
                {
                    BadHttpRequestException bad => bad.StatusCode,
                    _ when DiskFull.Is(e) => StatusCodes.Status507InsufficientStorage,
                    _ => StatusCodes.Status500InternalServerError,
                },
            });
            api.UseStatusCodePages(WriteProblemAsync);
        });
        return app;
    }

    /// <summary>What a caller whose role is too low is told (403), here and by the MCP tools.</summary>
    public const string Forbidden = "Your account's role does not allow this.";

    /// <summary>A browser asking for a page; a script (it sends an API key) never is, whatever it accepts.</summary>
    public static bool IsPageRequest(HttpContext context) =>
        HttpMethods.IsGet(context.Request.Method)
        && !context.Request.Headers.ContainsKey(Processing.Accounts.ApiKeyService.HeaderName)
        && context.Request.Headers.Accept.Any(value => value?.Contains("text/html", StringComparison.OrdinalIgnoreCase) == true);

    private static async Task WriteProblemAsync(StatusCodeContext status)
    {
        var http = status.HttpContext;
        var detail = http.Response.StatusCode switch
        {
            // Routing rejected the body's type before any endpoint ran; say what was sent.
            StatusCodes.Status415UnsupportedMediaType =>
                $"This endpoint does not take a body of type '{http.Request.ContentType ?? "none"}'; see /openapi/v1.json.",
            StatusCodes.Status404NotFound => $"There is nothing at {http.Request.Path}.",
            StatusCodes.Status401Unauthorized => http.Items[Security.AccountEndpoints.ProblemDetailKey] as string
                ?? $"Sign in, or send an API key in the {Processing.Accounts.ApiKeyService.HeaderName} header.",
            StatusCodes.Status403Forbidden => Forbidden,
            StatusCodes.Status405MethodNotAllowed => $"{http.Request.Method} is not allowed at {http.Request.Path}.",
            _ => null,
        };
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        var written = await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = http.Response.StatusCode, Detail = detail },
        });
        if (!written && detail is not null)
        {
            // The caller accepts no JSON (a script asking for HTML): the sentence as plain text.
            http.Response.ContentType = "text/plain; charset=utf-8";
            await http.Response.WriteAsync(detail);
        }
    }
}
