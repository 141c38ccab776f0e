namespace VaasWeb.Api;

internal static class ApiExtensions
{
    public static IServiceCollection AddVaasApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<UploadOptions>().BindConfiguration(UploadOptions.Section)
            .Validate(o => o.MaxBytes > 0, "Upload:MaxBytes must be a positive number of bytes.")
            .ValidateOnStart();
        services.ConfigureHttpJsonOptions(o => HostingExtensions.ConfigureWireFormat(o.SerializerOptions));
        services.AddProblemDetails();
        return services;
    }

    public static IEndpointRouteBuilder MapVaasApi(this IEndpointRouteBuilder app)
    {
        app.MapSeedApi();
        app.MapTaskApi();
        app.MapHealthApi();
        return app;
    }
}
