using Microsoft.Extensions.Logging.Abstractions;
using VaasWeb.Processing.Intelligence;
using VaasWeb.Processing.Search;

namespace VaasWeb.Tests.Unit.Intelligence;

/// <summary>The built-in model itself: what it makes of meaning, and that it stays sound across instances, threads and collections.</summary>
public sealed class MiniLmEmbedderTests
{
    [Fact]
    public async Task Embed_CloseInMeaning_IsCloserThanUnrelated_UnitLength384()
    {
        using var model = new MiniLmModel(NullLogger<MiniLmModel>.Instance);
        var embedder = new MiniLmEmbedder(model);

        var vectors = await embedder.EmbedAsync(["a small boat in rainwater", "A paper boat drifts down a rain-filled gutter", "Stock prices fell sharply on Monday"], CancellationToken.None);

        Assert.All(vectors, v => Assert.Equal(MiniLmEmbedder.Dimensions, v.Length));
        Assert.All(vectors, v => Assert.Equal(1, VectorIndex.Dot(v, v), 3));
        Assert.True(VectorIndex.Dot(vectors[0], vectors[1]) > VectorIndex.Dot(vectors[0], vectors[2]) + 0.2);
    }

    [Fact]
    public async Task Embed_ManyInstancesThreadsAndCollections_GiveTheSameVectors()
    {
        float[] first;
        using (var model = new MiniLmModel(NullLogger<MiniLmModel>.Instance))
        {
            first = (await new MiniLmEmbedder(model).EmbedAsync(["someone cooking food"], CancellationToken.None))[0];
        }

        for (var round = 0; round < 3; round++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            using var model = new MiniLmModel(NullLogger<MiniLmModel>.Instance);
            var embedder = new MiniLmEmbedder(model);
            var all = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => embedder.EmbedAsync(["someone cooking food", "the market went down"], CancellationToken.None)));
            GC.Collect();
            Assert.All(all, vectors => Assert.Equal(1, VectorIndex.Dot(first, vectors[0]), 4));
        }
    }
}
