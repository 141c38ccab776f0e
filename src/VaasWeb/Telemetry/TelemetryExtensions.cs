using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Telemetry;
using VaasWeb.Security;

namespace VaasWeb.Telemetry;

public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>Anyone may read <c>/metrics</c> (a scraper on a private network). Off: admins and the scrape key only.</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>A secret a scraper sends as <c>Authorization: Bearer …</c> (Prometheus' <c>authorization</c> setting); from the environment, e.g. <c>Metrics__ScrapeKey</c>.</summary>
    public string? ScrapeKey { get; set; }
}

public sealed class OpenTelemetryOptions
{
    public const string Section = "OpenTelemetry";

    /// <summary>An OTLP collector for traces and metrics, e.g. <c>http://127.0.0.1:4317</c>; unset: <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, else none.</summary>
    public string? Endpoint { get; set; }

    /// <summary><c>grpc</c> (port 4317) or <c>http/protobuf</c> (port 4318).</summary>
    public string Protocol { get; set; } = "grpc";
}

/// <summary>
/// OpenTelemetry for the whole app: traces of HTTP in and out, Quartz's job spans, VaasWeb's task runs, ingestion steps
/// and MiniMax calls (<see cref="VaasTracing"/>); metrics of VaasWeb (<see cref="VaasMetrics"/>), Quartz, ASP.NET Core
/// (requests, Kestrel, SignalR connections, Blazor circuits), HttpClient and the runtime, at <c>/metrics</c> in
/// Prometheus' text format, and both to an OTLP collector when one is configured.
/// </summary>
internal static class TelemetryExtensions
{
    public const string MetricsPath = "/metrics";

    /// <summary>ASP.NET Core's own meters that <c>AddAspNetCoreInstrumentation</c> does not add: Blazor's circuits and components.</summary>
    private static readonly string[] FrameworkMeters =
    [
        "Microsoft.AspNetCore.Components",
        "Microsoft.AspNetCore.Components.Lifecycle",
        "Microsoft.AspNetCore.Components.Server.Circuits",
        "Quartz",
    ];

    /// <summary>
    /// The runtime's gauges whose names end in <c>.count</c>: Prometheus keeps <c>_count</c> for histograms and summaries
    /// (promtool refuses it elsewhere), so they are exported under these names.
    /// </summary>
    private static readonly (string Runtime, string Exported)[] RenamedForPrometheus =
    [
        ("dotnet.assembly.count", "dotnet.assemblies"),
        ("dotnet.process.cpu.count", "dotnet.process.cpus"),
        ("dotnet.thread_pool.thread.count", "dotnet.thread_pool.threads"),
        ("dotnet.timer.count", "dotnet.timers"),
    ];

    public static IServiceCollection AddVaasTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section);
        var otlp = configuration.GetSection(OpenTelemetryOptions.Section).Get<OpenTelemetryOptions>() ?? new OpenTelemetryOptions();
        // VaasWeb's meter is taken only from this host's meter factory, so two apps in one process (tests, a bench)
        // never count each other's tasks.
        services.AddMetrics(metrics => metrics.EnableMetrics(VaasMetrics.MeterName, scopes: MeterScope.Local));
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource
                .AddService("vaasweb", serviceVersion: typeof(TelemetryExtensions).Assembly.GetName().Version?.ToString(), autoGenerateServiceInstanceId: false)
                .AddDetector(provider => new NodeResource(provider.GetRequiredService<WorkerIdentity>())))
            .WithTracing(tracing => tracing
                .AddSource(VaasTracing.SourceName, "Quartz")
                .AddAspNetCoreInstrumentation(aspNet => aspNet.Filter = http => !http.Request.Path.StartsWithSegments(MetricsPath))
                .AddHttpClientInstrumentation())
            .WithMetrics(metrics =>
            {
                foreach (var (runtime, exported) in RenamedForPrometheus)
                {
                    metrics.AddView(runtime, exported);
                }

                metrics
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter(FrameworkMeters)
                    // A scrape reads the numbers as they are now (the exporter's default caches them for 300 ms).
                    .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);
            });
        if (!string.IsNullOrWhiteSpace(otlp.Endpoint))
        {
            telemetry.UseOtlpExporter(ProtocolOf(otlp.Protocol), new Uri(otlp.Endpoint, UriKind.Absolute));
        }
        else if (!string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            // The standard variables (endpoint, protocol, headers) as the SDK reads them.
            telemetry.UseOtlpExporter();
        }

        services.AddSingleton<IAuthorizationHandler, MetricsAccessHandler>();
        return services;
    }

    /// <summary>Starts the instruments that observe rather than count (the queue depth) with the host.</summary>
    public static WebApplication MapVaasMetrics(this WebApplication app)
    {
        app.Services.GetRequiredService<QueueDepthGauge>();
        app.MapPrometheusScrapingEndpoint(MetricsPath).RequireAuthorization(Policies.Metrics);
        return app;
    }

    private static OtlpExportProtocol ProtocolOf(string protocol) => protocol.Trim().ToLowerInvariant() switch
    {
        "grpc" => OtlpExportProtocol.Grpc,
        "http/protobuf" or "http" => OtlpExportProtocol.HttpProtobuf,
        _ => throw new OptionsValidationException(OpenTelemetryOptions.Section, typeof(OpenTelemetryOptions),
            [$"OpenTelemetry:Protocol is '{protocol}'; use grpc or http/protobuf."]),
    };

    /// <summary>Names the node (<c>Worker:Id</c>) as the service instance, so a cluster's series and spans say where they come from.</summary>
    private sealed class NodeResource(WorkerIdentity worker) : IResourceDetector
    {
        public Resource Detect() => new([new("service.instance.id", worker.Id)]);
    }
}

internal sealed class MetricsAccessRequirement : IAuthorizationRequirement;

/// <summary><c>/metrics</c>: admins (cookie or API key), a scraper with <c>Metrics:ScrapeKey</c>, or anyone with <c>Metrics:AllowAnonymous</c>.</summary>
internal sealed class MetricsAccessHandler(IOptionsMonitor<MetricsOptions> options) : AuthorizationHandler<MetricsAccessRequirement>
{
    private const string Bearer = "Bearer ";

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, MetricsAccessRequirement requirement)
    {
        var settings = options.CurrentValue;
        if (settings.AllowAnonymous || context.User.IsAdmin() || HasScrapeKey(context.Resource as HttpContext, settings.ScrapeKey))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }

    private static bool HasScrapeKey(HttpContext? http, string? key)
    {
        var header = http?.Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(key) || header is null || !header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[Bearer.Length..].Trim()), Encoding.UTF8.GetBytes(key));
    }
}
