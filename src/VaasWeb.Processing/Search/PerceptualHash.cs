using System.Numerics;

namespace VaasWeb.Processing.Search;

/// <summary>
/// The difference hash (dHash) of a picture: shrink to 9×8 grey pixels, then one bit per neighbouring pair,
/// set when the left pixel is brighter. Survives scaling, re-encoding and small colour changes; near-identical
/// pictures differ in a few of the 64 bits.
/// </summary>
public static class PerceptualHash
{
    public const int Width = 9;
    public const int Height = 8;
    public const int PixelCount = Width * Height;

    public static long FromGray9x8(ReadOnlySpan<byte> pixels)
    {
        if (pixels.Length != PixelCount)
        {
            throw new ArgumentException($"A dHash needs {PixelCount} grey pixels, got {pixels.Length}.", nameof(pixels));
        }

        ulong hash = 0;
        for (var row = 0; row < Height; row++)
        {
            for (var column = 0; column < Width - 1; column++)
            {
                hash <<= 1;
                if (pixels[row * Width + column] > pixels[row * Width + column + 1])
                {
                    hash |= 1;
                }
            }
        }

        return unchecked((long)hash);
    }

    /// <summary>How many of the 64 bits differ: 0 for the same picture, about 32 for unrelated ones.</summary>
    public static int Distance(long a, long b) => BitOperations.PopCount((ulong)(a ^ b));
}
