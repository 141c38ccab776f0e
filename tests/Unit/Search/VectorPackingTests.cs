using VaasWeb.Processing.Search;

namespace VaasWeb.Tests.Unit.Search;

/// <summary>How vectors are stored (int8 with a scale, a quarter of float32's size) and compared.</summary>
[Trait("Category", "Fast")]
public sealed class VectorPackingTests
{
    [Fact]
    public void Pack_Is5BytesPlusOnePerComponent_AndUnpacksWithinHalfAStep()
    {
        var random = new Random(7);
        var vector = Enumerable.Range(0, 384).Select(_ => (float)(random.NextDouble() * 2 - 1) * 0.2f).ToArray();

        var packed = TextEmbedding.Pack(vector);
        var unpacked = TextEmbedding.Unpack(packed);

        Assert.Equal(389, packed.Length);
        var step = vector.Max(Math.Abs) / 127;
        Assert.All(vector.Zip(unpacked), pair => Assert.InRange(pair.Second - pair.First, -step / 2 - 1e-6f, step / 2 + 1e-6f));
        Assert.InRange(Cosine(vector, unpacked), 0.999, 1.0001);
    }

    [Fact]
    public void Unpack_ReadsRowsStoredAsFloat32BeforeQuantization()
    {
        float[] vector = [0.25f, -0.5f, 1f, 0f];
        var legacy = System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan()).ToArray();

        Assert.Equal(vector, TextEmbedding.Unpack(legacy));
    }

    [Fact]
    public void Pack_AVectorWhoseLengthIsNotAMultipleOf4_IsKeptWhole()
    {
        float[] vector = [0.1f, 0.2f, 0.3f];

        var packed = TextEmbedding.Pack(vector);

        Assert.Equal(12, packed.Length);
        Assert.Equal(vector, TextEmbedding.Unpack(packed));
    }

    [Fact]
    public void Pack_TheZeroVector_StaysZero()
    {
        Assert.All(TextEmbedding.Unpack(TextEmbedding.Pack(new float[8])), c => Assert.Equal(0, c));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(384)]
    [InlineData(1537)]
    public void Dot_MatchesTheSumOfProducts_AtAnyLength(int length)
    {
        var a = Enumerable.Range(0, length).Select(i => (float)Math.Sin(i)).ToArray();
        var b = Enumerable.Range(0, length).Select(i => (float)Math.Cos(i * 0.5)).ToArray();

        Assert.Equal(a.Zip(b, (x, y) => (double)x * y).Sum(), VectorIndex.Dot(a, b), 3);
    }

    private static double Cosine(float[] a, float[] b) => VectorIndex.Dot(a, b) / Math.Sqrt(VectorIndex.Dot(a, a) * VectorIndex.Dot(b, b));
}
