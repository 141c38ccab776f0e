using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Intelligence;
using VaasWeb.Processing.Media;

namespace VaasWeb.Processing.Health;

/// <summary>
/// Runs each tool's check at every request, so a tool removed or broken while the app runs shows at once
/// (not a version read at start). Unhealthy names what is wrong and what to install or set.
/// </summary>
internal abstract class ToolsHealthCheck(ExternalTools tools) : IHealthCheck
{
    protected ExternalTools Tools => tools;

    protected abstract IEnumerable<ExternalTool> Checked { get; }

    /// <summary>What a broken tool stops, for the monitor's reader.</summary>
    protected abstract string Consequence { get; }

    protected virtual string DescribeWorking(IReadOnlyList<ToolStatus> statuses) => string.Join("; ", statuses.Select(s => s.Description));

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var statuses = await Task.WhenAll(Checked.Select(tool => tools.CheckAsync(tool, cancellationToken)));
        var broken = statuses.Where(s => !s.Works).ToArray();
        return broken.Length == 0
            ? HealthCheckResult.Healthy(DescribeWorking(statuses))
            : HealthCheckResult.Unhealthy($"{Consequence}: {string.Join("; ", broken.Select(s => s.Problem))}.");
    }
}

/// <summary>ffmpeg and ffprobe, which every upload and ingestion needs.</summary>
internal sealed class FfmpegHealthCheck(ExternalTools tools) : ToolsHealthCheck(tools)
{
    protected override IEnumerable<ExternalTool> Checked => [Tools.Ffmpeg, Tools.Ffprobe];

    protected override string Consequence => "Uploads are refused and ingestions fail";
}

/// <summary>The offline readers every ingestion needs: tesseract always, pocketsphinx unless speech goes to an endpoint.</summary>
internal sealed class ReadersHealthCheck(ExternalTools tools, IOptions<IntelligenceOptions> options) : ToolsHealthCheck(tools)
{
    protected override IEnumerable<ExternalTool> Checked => Tools.ForIngestion.Where(t => t.Name != Tools.Ffmpeg.Name && t.Name != Tools.Ffprobe.Name);

    protected override string Consequence => "Ingestions fail";

    protected override string DescribeWorking(IReadOnlyList<ToolStatus> statuses)
    {
        var speech = options.Value.Speech;
        return $"on-screen text by {statuses[0].Description}, speech by {(speech.Provider == SpeechProvider.OpenAi ? speech.Endpoint : statuses[1].Description)}";
    }
}
