namespace VaasWeb.Api;

internal static class ApiExtensions
{
    public static IServiceCollection AddVaasApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.ConfigureHttpJsonOptions(o => HostingExtensions.ConfigureWireFormat(o.SerializerOptions));
        services.AddExceptionHandler<Problems.Handler>();
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            if (context.ProblemDetails is { Status: StatusCodes.Status507InsufficientStorage, Detail: null } full)
            {
                full.Detail = $"{Processing.Storage.DiskFull.Sentence} Nothing of this request was kept.";
            }
        });
        return services;
    }

    public static IEndpointRouteBuilder MapVaasApi(this IEndpointRouteBuilder app)
    {
        app.MapSeedApi();
        app.MapTaskApi();
        app.MapHealthApi();
        app.MapTusUploads();
        app.MapMedia();
        app.MapSearchApi();
        app.MapGenerationApi();
        app.MapVideoApi();
        app.MapSubtitleApi();
        app.MapChapterApi();
        app.MapMiniMaxCallbacks();
        app.MapAuditApi();
        app.MapApiKeyApi();
        return app;
    }
}
