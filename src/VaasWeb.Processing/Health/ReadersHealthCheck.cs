using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Intelligence;

namespace VaasWeb.Processing.Health;

/// <summary>The offline readers every ingestion needs: tesseract always, pocketsphinx unless speech goes to an endpoint.</summary>
internal sealed class ReadersHealthCheck(IOptions<IntelligenceOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var missing = new List<string>();
        if (!OnPath("tesseract"))
        {
            missing.Add("tesseract (apt-get install tesseract-ocr tesseract-ocr-eng)");
        }

        var speech = options.Value.Speech;
        if (speech.Provider == SpeechProvider.PocketSphinx && !OnPath("pocketsphinx_continuous"))
        {
            missing.Add("pocketsphinx (apt-get install pocketsphinx pocketsphinx-en-us)");
        }

        var speechBy = speech.Provider == SpeechProvider.OpenAi ? $"speech by {speech.Endpoint}" : "speech by pocketsphinx";
        return Task.FromResult(missing.Count == 0
            ? HealthCheckResult.Healthy($"on-screen text by tesseract, {speechBy}")
            : HealthCheckResult.Unhealthy($"Ingestions will fail: missing {string.Join(", ", missing)}."));
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Any(folder => File.Exists(Path.Combine(folder, tool)));
}
