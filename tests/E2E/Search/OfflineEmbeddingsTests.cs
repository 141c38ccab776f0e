using System.Text.Json;
using VaasWeb.Tests.E2E.Support;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.E2E.Search;

/// <summary>
/// The built-in embeddings model works with no network at all: the shipped app, in a network namespace of its own
/// (as root can make; CI runs as root), embeds two sentences with <c>admin check-embeddings</c>.
/// </summary>
public sealed class OfflineEmbeddingsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    [WithoutNetworkFact]
    public async Task CheckEmbeddings_WithNoNetwork_EmbedsWithTheBuiltInModel()
    {
        var result = await AppProcess.AdminWithoutNetworkAsync(_temp.Combine("data"), "check-embeddings");

        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Errors}");
        using var answer = JsonDocument.Parse(result.Output);
        var root = answer.RootElement;
        Assert.StartsWith("MiniLM", root.GetProperty("provider").GetString());
        Assert.Equal(384, root.GetProperty("dimensions").GetInt32());
        // "A paper boat drifts down a rain-filled gutter." and "a small boat in rainwater" are alike, clearly.
        Assert.InRange(root.GetProperty("similarity").GetDouble(), 0.45, 0.9);
    }

    public void Dispose() => _temp.Dispose();
}

/// <summary>A fact that needs a network namespace of its own: skipped, saying why, where <c>unshare --net</c> is not permitted.</summary>
public sealed class WithoutNetworkFactAttribute : FactAttribute
{
    public WithoutNetworkFactAttribute()
    {
        if (!AppProcess.CanRunWithoutNetwork.Value)
        {
            Skip = "Skipped: this test runs the app with no network (unshare --net), which needs root; run the tests as root (CI does).";
        }
    }
}
