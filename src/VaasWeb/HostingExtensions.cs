using System.Text.Json;
using System.Text.Json.Serialization;
using MudBlazor.Services;
using Scalar.AspNetCore;
using VaasWeb.Api;
using VaasWeb.Components;
using VaasWeb.Mcp;
using VaasWeb.Processing;
using VaasWeb.Realtime;
using VaasWeb.Security;
using VaasWeb.Telemetry;
using VaasWeb.Webhooks;

namespace VaasWeb;

/// <summary>What the host is made of, one concern per line; Program.cs only calls these.</summary>
internal static class HostingExtensions
{
    /// <summary>snake_case and string enums: the seed API's wire format, used by every JSON VaasWeb speaks.</summary>
    public static void ConfigureWireFormat(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
    }

    public static WebApplicationBuilder AddVaasWeb(this WebApplicationBuilder builder)
    {
        // Serve MudBlazor's and the framework's assets from the build output in every environment, so
        // `dotnet run` works in Production too; a published app has no such manifest and this does nothing.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddVaasProcessing(builder.Configuration);
        builder.Services.AddVaasSecurity();
        builder.Services.AddVaasRealtime(builder.Configuration);
        builder.Services.AddVaasApi(builder.Configuration);
        builder.Services.AddVaasMcp();
        builder.Services.AddVaasTelemetry(builder.Configuration);
        builder.Services.AddSingleton<Processing.Webhooks.IWebhookPayload, WebhookPayload>();
        builder.Services.AddOpenApi(options => options.AddVaasDescription());
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        // Messages at the bottom centre: a message about a button never covers the buttons next to it.
        builder.Services.AddMudServices(mud => mud.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomCenter);
        return builder;
    }

    public static WebApplication UseVaasWeb(this WebApplication app)
    {
        app.UseStatusCodeResponses();
        app.UseSameOriginForCookies();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }

    public static WebApplication MapVaasWeb(this WebApplication app)
    {
        // Created now rather than by the first viewer, so estimates already have readings when a board opens.
        app.Services.GetRequiredService<TaskEtaTracker>();
        app.MapStaticAssets().AllowAnonymous();
        app.MapAccountEndpoints();
        app.MapVaasApi();
        app.MapVaasMcp();
        app.MapWebhookApi();
        app.MapVaasRealtime();
        app.MapVaasMetrics();
        // The API's description is no secret; reading it signs nobody in.
        app.MapOpenApi().AllowAnonymous();
        // "Try it" asks for the API key and sends it in X-Api-Key.
        app.MapScalarApiReference(options => options.AddPreferredSecuritySchemes([OpenApiDescription.SchemeName])).AllowAnonymous();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
