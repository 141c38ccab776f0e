using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using VaasWeb.Tests.E2E.Security;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Api;

/// <summary>The OpenAPI document as the app serves it: every protected operation takes the API key, and a standard linter finds no error.</summary>
public sealed partial class OpenApiDocumentTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private VaasApp _app = null!;
    private string _json = "";

    public async Task InitializeAsync()
    {
        _app = VaasApp.Start(_temp.Combine("data"));
        using var anonymous = _app.CreateHttpClient(null);
        _json = await anonymous.GetStringAsync("/openapi/v1.json");
    }

    [Fact]
    public void EveryOperation_IsInTheAuthorizationMatrix_AndTakesTheApiKeyAndMayAnswer401And403_UnlessItIsOpenToAnyone()
    {
        var document = JsonNode.Parse(_json)!;
        var scheme = document["components"]!["securitySchemes"]!["ApiKey"]!;
        Assert.Equal(("apiKey", "header", "X-Api-Key"), (scheme["type"]!.GetValue<string>(), scheme["in"]!.GetValue<string>(), scheme["name"]!.GetValue<string>()));

        var wrong = new List<string>();
        var described = new HashSet<string>();
        foreach (var (path, operations) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in operations!.AsObject())
            {
                var key = $"{method.ToUpperInvariant()} {path}";
                described.Add(key);
                var need = AuthorizationMatrixTests.Api.Where(a => $"{a.Method} {AsDocumented(a.Route)}" == key).Select(a => (AuthorizationMatrixTests.Need?)a.Need).SingleOrDefault();
                var security = operation!["security"]?.AsArray().Select(r => string.Join(",", r!.AsObject().Select(s => s.Key))).ToArray() ?? [];
                var responses = operation["responses"]!.AsObject().Select(r => r.Key).ToHashSet();
                if (need is null)
                {
                    wrong.Add($"{key} is not in the authorization matrix");
                }
                else if (need == AuthorizationMatrixTests.Need.Nobody ? security.Length != 0 : security is not ["ApiKey"] || !responses.IsSupersetOf(["401", "403"]))
                {
                    wrong.Add($"{key} (needs {need}) has security [{string.Join(" ", security)}] and responses {string.Join(" ", responses)}");
                }
            }
        }

        // The other way round: every API route the matrix walks is described.
        foreach (var (method, route, _, _) in AuthorizationMatrixTests.Api.Where(a => IsApi(a.Route)))
        {
            if (!described.Contains($"{method} {AsDocumented(route)}"))
            {
                wrong.Add($"{method} {route} is not in the OpenAPI document");
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public async Task RedoclyRecommendedRules_FindNoError()
    {
        var folder = typeof(OpenApiDocumentTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "OpenApiLintFolder").Value!;
        var file = _temp.Combine("openapi.json");
        await File.WriteAllTextAsync(file, _json);

        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        foreach (var argument in new[] { Path.Combine(folder, "node_modules", "@redocly", "cli", "bin", "cli.js"), "lint", file, "--format=json", "--config", Path.Combine(folder, "redocly.yaml") })
        {
            start.ArgumentList.Add(argument);
        }

        // Offline: no usage statistics, no check for a newer version.
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var lint = Process.Start(start)!;
        var output = lint.StandardOutput.ReadToEndAsync();
        var errors = lint.StandardError.ReadToEndAsync();
        await lint.WaitForExitAsync();

        var report = JsonNode.Parse(await output) ?? throw new InvalidOperationException($"Redocly printed no report: {await errors}");
        var problems = report["problems"]!.AsArray().Where(p => p!["severity"]!.GetValue<string>() == "error")
            .Select(p => $"{p!["ruleId"]}: {p["message"]} at {p["location"]![0]!["pointer"]}");
        Assert.True(report["totals"]!["errors"]!.GetValue<int>() == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task Scalar_OffersTheApiKeyForTryingOperations()
    {
        using var anonymous = _app.CreateHttpClient(null);

        var page = await anonymous.GetStringAsync("/scalar/v1");

        Assert.Matches("\"preferredSecurityScheme(s)?\":\\s*\\[?\"ApiKey\"", page);
    }

    /// <summary>A route as the app maps it (<c>/api/tasks/{taskId:guid}</c>, <c>/api/tasks/</c>) as OpenAPI writes it (<c>/api/tasks/{taskId}</c>).</summary>
    private static string AsDocumented(string route) => Constraint().Replace(route, "{$1}").TrimEnd('/');

    /// <summary>The routes scripts call (the MiniMax callback is MiniMax's alone and left out of the document).</summary>
    private static bool IsApi(string route) =>
        (route.StartsWith("/api/", StringComparison.Ordinal) && !route.StartsWith("/api/minimax/callback/", StringComparison.Ordinal)) || route.StartsWith("/uploads/", StringComparison.Ordinal) || route.StartsWith("/media/", StringComparison.Ordinal)
        || route is "/upload-video" or "/process-video" || route.StartsWith("/task-status/", StringComparison.Ordinal);

    [GeneratedRegex(@"\{\**([A-Za-z]+)(:[a-z]+)?\??\}")]
    private static partial Regex Constraint();

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _temp.Dispose();
    }
}
