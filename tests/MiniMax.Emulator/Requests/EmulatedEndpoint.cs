using MiniMax.Emulator.Faults;

namespace MiniMax.Emulator.Requests;

/// <summary>Endpoint metadata: the name faults and the request log use for it (<see cref="EndpointNames"/>).</summary>
public sealed record EmulatedEndpoint(string Name);

public static class EmulatedEndpointExtensions
{
    public static RouteHandlerBuilder Emulates(this RouteHandlerBuilder builder, string name) =>
        builder.WithMetadata(new EmulatedEndpoint(name));

    /// <summary>Records ids on this request's log entry, for the ids only the endpoint knows.</summary>
    public static void Tag(this HttpContext context, string? taskId = null, string? fileId = null)
    {
        if (context.Features.Get<RequestRecord>() is { } record)
        {
            context.RequestServices.GetRequiredService<RequestLog>().Tag(record, taskId, fileId);
        }
    }
}
