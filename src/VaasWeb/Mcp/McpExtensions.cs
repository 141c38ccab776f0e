using ModelContextProtocol.AspNetCore;
using VaasWeb.Limits;
using VaasWeb.Security;

namespace VaasWeb.Mcp;

/// <summary>The MCP server at <c>/mcp</c> (Streamable HTTP) for agents: the same services and sentences as the REST API.</summary>
internal static class McpExtensions
{
    public const string Path = "/mcp";

    public static IServiceCollection AddVaasMcp(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddSingleton<ToolCaller>();
        services.AddMcpServer(options =>
            {
                options.ServerInfo = new() { Name = "VaasWeb", Version = typeof(McpExtensions).Assembly.GetName().Version?.ToString() ?? "1.0" };
                options.Filters.Request.ListToolsFilters.Add(next => async (context, cancellationToken) =>
                {
                    var result = await next(context, cancellationToken);
                    foreach (var tool in result.Tools)
                    {
                        tool.OutputSchema = tool.OutputSchema is { } schema ? ToolSchemas.WithoutTrueSchemas(schema) : null;
                    }

                    return result;
                });
            })
            // Stateless: every POST is answered on its own, so any node of a cluster serves any call (no sticky
            // sessions), clients of the 2026-07-28 revision (the C# SDK) are served natively, and clients that
            // still open with `initialize` (the TypeScript SDK) get their answer too. No tool needs to call back
            // to the client, which is all a session would add.
            .WithHttpTransport(transport => transport.SessionMode = HttpServerSessionMode.Stateless)
            .WithTools<VideoTools>(ToolResults.Wire)
            .WithTools<GenerationTools>(ToolResults.Wire);
        return services;
    }

    /// <summary>Signed in like the REST API (X-Api-Key or the cookie); each tool then checks the caller's role.</summary>
    public static IEndpointRouteBuilder MapVaasMcp(this IEndpointRouteBuilder app)
    {
        app.MapMcp(Path).RequireAuthorization(Policies.Viewer).RequireLimit(LimitKind.Mcp).ExcludeFromDescription();
        // Stateless maps only POST; the transport's answer for the stream (GET) and the session end (DELETE) is 405,
        // which clients expect, rather than the not-found page routing would fall through to.
        app.MapMethods(Path, [HttpMethods.Get, HttpMethods.Delete], () => Results.StatusCode(StatusCodes.Status405MethodNotAllowed))
            .RequireAuthorization(Policies.Viewer).ExcludeFromDescription();
        return app;
    }
}
