using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Telemetry;

/// <summary>
/// One upload followed into its ingestion through the real app's traces, caught by OpenTelemetry's in-memory exporter:
/// the task's run is a span in the upload request's trace, the steps are its children, and Quartz's own job span is linked.
/// </summary>
public sealed class TraceTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private readonly List<Activity> _spans = [];
    private VaasApp _app = null!;
    private SeedApiClient _api = null!;

    public Task InitializeAsync()
    {
        _app = VaasApp.Start(_temp.Combine("data"), services: services =>
            services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(_spans)));
        _api = new SeedApiClient(_app.CreateHttpClient());
        return Task.CompletedTask;
    }

    [Fact]
    public async Task UploadThenIngestion_TheJobSpanIsAChildOfTheRequestsTrace()
    {
        var response = await _api.UploadAsync(await TestMedia.VideoAsync(new VideoSpec(Seconds: 2)), "traced.mp4");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var taskId = (await SeedApiClient.ReadJsonAsync(response))["task_id"]!.GetValue<string>();
        Assert.Equal("completed", (await _api.WaitForFinishAsync(taskId))["status"]!.GetValue<string>());

        Activity? run = null;
        await Eventually.TrueAsync(() => (run = Spans().FirstOrDefault(s => s.OperationName == "task.run ingestion" && (string?)s.GetTagItem("vaas.task.id") == taskId)) is not null,
            "the ingestion's span was exported");
        var spans = Spans();
        var request = Assert.Single(spans, s => s.Kind == ActivityKind.Server && s.GetTagItem("url.path") as string == "/upload-video");

        // The run belongs to the upload's trace, under its request span (directly or through VaasWeb's own spans).
        Assert.Equal(request.TraceId, run!.TraceId);
        Assert.True(IsUnder(run, request, spans), $"The run's parent {run.ParentSpanId} does not lead to the request span {request.SpanId}.");
        Assert.Equal(1, run.GetTagItem("vaas.task.attempt"));
        // Quartz's job span, where the run happened, is linked to it.
        var job = Assert.Single(spans, s => s.Source.Name == "Quartz" && run.Links.Any(l => l.Context.SpanId == s.SpanId));
        Assert.NotEqual(request.TraceId, job.TraceId);
        // Each step is a child of the run, in the same trace: the probe first, then the picture and sound lanes side by side.
        var steps = spans.Where(s => s.ParentSpanId == run.SpanId && s.OperationName.StartsWith("ingestion.step ", StringComparison.Ordinal))
            .OrderBy(s => s.StartTimeUtc).Select(s => (string)s.GetTagItem("vaas.step")!).ToList();
        Assert.Equal("probe", steps[0]);
        Assert.Equal(["audio", "frames"], steps.Skip(1).Take(2).Order());
        Assert.Contains("index", steps);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _temp.Dispose();
    }

    /// <summary>A copy of what was exported so far; the exporter adds to the list from the app's threads as spans end.</summary>
    private List<Activity> Spans()
    {
        while (true)
        {
            try
            {
                return [.. _spans];
            }
            catch (InvalidOperationException)
            {
                // Added to while being copied: copy again.
            }
            catch (ArgumentException)
            {
            }
        }
    }

    private static bool IsUnder(Activity span, Activity ancestor, List<Activity> spans)
    {
        for (var parent = span.ParentSpanId; parent != default;)
        {
            if (parent == ancestor.SpanId)
            {
                return true;
            }

            var next = spans.FirstOrDefault(s => s.SpanId == parent);
            if (next is null)
            {
                return false;
            }

            parent = next.ParentSpanId;
        }

        return false;
    }
}
