using System.Text.Json;
using global::MiniMax.Emulator;
using Microsoft.AspNetCore.Builder;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using VaasWeb.Processing.Accounts;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Mcp;

/// <summary>
/// One app for every MCP test: the MiniMax emulator behind it, the talking video ingested once, and keys of an
/// uploader and a viewer beside the admin's.
/// </summary>
public sealed class McpAppFixture : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private WebApplication _emulator = null!;

    public VaasApp App { get; private set; } = null!;

    public string VideoId { get; private set; } = "";

    public string VideoPath { get; private set; } = "";

    public string ViewerKey { get; private set; } = "";

    public Uri Endpoint => new(App.BaseAddress, "/mcp");

    public string Combine(string name) => _temp.Combine(name);

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorApp.StartAsync("--Emulator:PreparingSeconds=0.2", "--Emulator:QueueingSeconds=0.2", "--Emulator:ProcessingSeconds=0.2",
            "--Emulator:RenderWidth=160", $"--Emulator:DataDirectory={_temp.Combine("emulator")}");
        App = VaasApp.Start(_temp.Combine("data"), new Dictionary<string, string?>
        {
            ["MiniMax:BaseUrl"] = EmulatorApp.AddressOf(_emulator).ToString(),
            ["MiniMax:ApiKey"] = "emulator-key",
            ["MiniMax:PollIntervalSeconds"] = "5",
            ["MiniMax:IngestResults"] = "false",
        });
        ViewerKey = await App.ApiKeyForAsync(await App.CreateUserAsync(Roles.Viewer));
        var api = new SeedApiClient(App.CreateHttpClient());
        var upload = await SeedApiClient.ReadJsonAsync(await api.UploadAsync(await TestMedia.TalkingVideoAsync()));
        VideoId = upload["video_id"]!.GetValue<string>();
        VideoPath = upload["video_path"]!.GetValue<string>();
        var finished = await api.WaitForFinishAsync(upload["task_id"]!.GetValue<string>(), TimeSpan.FromMinutes(2));
        Assert.True(finished["status"]!.GetValue<string>() == "completed", $"The talking video's ingestion did not complete: {finished}");
    }

    /// <summary>The C# SDK's client, as an agent built on it connects (its default: the newest protocol revision).</summary>
    public Task<McpClient> ConnectAsync(string? apiKey = null, string? protocolVersion = null) =>
        McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions
            {
                Endpoint = Endpoint,
                TransportMode = HttpTransportMode.StreamableHttp,
                AdditionalHeaders = new Dictionary<string, string> { [ApiKeyService.HeaderName] = apiKey ?? App.AdminApiKey },
            }),
            new McpClientOptions { ProtocolVersion = protocolVersion });

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await _emulator.DisposeAsync();
        _temp.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class McpCollection : ICollectionFixture<McpAppFixture>
{
    public const string Name = "MCP";
}

internal static class ToolResultExtensions
{
    /// <summary>The structured result of a call that must have worked.</summary>
    public static JsonElement Value(this CallToolResult result)
    {
        Assert.False(result.IsError == true, $"The tool failed: {result.Text()}");
        return result.StructuredContent ?? throw new InvalidOperationException("The tool gave no structured content.");
    }

    /// <summary>The sentence of a call that must have been refused.</summary>
    public static string Error(this CallToolResult result)
    {
        Assert.True(result.IsError == true, $"The tool did not fail: {result.Text()}");
        return result.Text();
    }

    public static string Text(this CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(t => t.Text));
}
