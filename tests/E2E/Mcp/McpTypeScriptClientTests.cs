using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;

namespace VaasWeb.Tests.E2E.Mcp;

/// <summary>/mcp driven by the TypeScript MCP SDK from npm (tests/McpClient), which still opens with the initialize handshake.</summary>
[Collection(McpCollection.Name)]
public sealed class McpTypeScriptClientTests(McpAppFixture fixture)
{
    [Fact]
    public async Task TypeScriptSdk_ListsTheToolsAndSearches()
    {
        var output = await RunAsync("search_videos", $$"""{"query":"open the door","video_id":"{{fixture.VideoId}}"}""");

        var tools = output["tools"]!.AsArray().Select(t => t!["name"]!.GetValue<string>()).ToArray();
        Assert.Contains("get_video_clip_from_user_query", tools);
        Assert.Contains("get_video_chapters", tools);
        Assert.Equal(10, tools.Length);
        // Stateless: initialize is answered, and no session is handed out.
        Assert.Null(output["session"]);
        var result = output["result"]!;
        Assert.NotEqual(true, result["isError"]?.GetValue<bool>());
        Assert.Equal("speech", result["structuredContent"]!["hits"]![0]!["source"]!.GetValue<string>());
    }

    [Fact]
    public async Task TypeScriptSdk_ViewerKey_GenerateIsAToolError()
    {
        var output = await RunAsync("generate_video", """{"prompt":"anything"}""", fixture.ViewerKey);

        Assert.True(output["result"]!["isError"]!.GetValue<bool>());
        Assert.Equal("Your account's role does not allow this.", output["result"]!["content"]![0]!["text"]!.GetValue<string>());
    }

    private async Task<JsonNode> RunAsync(string tool, string arguments, string? apiKey = null)
    {
        var folder = typeof(McpTypeScriptClientTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "McpClientFolder").Value!;
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        foreach (var argument in new[] { Path.Combine(folder, "list-and-call.mjs"), fixture.Endpoint.ToString(), apiKey ?? fixture.App.AdminApiKey, tool, arguments })
        {
            start.ArgumentList.Add(argument);
        }

        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await node.WaitForExitAsync(timeout.Token);
        Assert.True(node.ExitCode == 0, $"node exited {node.ExitCode}: {await errors}");
        return JsonNode.Parse(await output) ?? throw new InvalidOperationException($"node printed nothing: {await errors}");
    }
}
