namespace VaasWeb.Processing.Search;

/// <summary>
/// A picture shrunk to 32×32 grey pixels. Fine enough to notice a line of text appearing (for skipping
/// repeated pictures before OCR), and the source of the coarser 64-bit hash used to find a picture again.
/// </summary>
public sealed class PictureFingerprint
{
    public const int Side = 32;
    public const int PixelCount = Side * Side;

    /// <summary>
    /// A pixel counts as changed when its grey level moves more than this. Each of the 1,024 pixels averages some
    /// 900 of a 720p picture, so compression noise of a still picture moves none of them (measured: 0); a 36-pixel
    /// line of text replaced by another on the same background moves 11 by more than 8 but only 5 by more than 24,
    /// which once made two such slides one picture (read once, one chapter).
    /// </summary>
    private const int ChangedLevel = 8;

    private readonly byte[] _pixels;

    public PictureFingerprint(ReadOnlySpan<byte> gray32x32)
    {
        if (gray32x32.Length != PixelCount)
        {
            throw new ArgumentException($"A fingerprint needs {PixelCount} grey pixels, got {gray32x32.Length}.", nameof(gray32x32));
        }

        _pixels = gray32x32.ToArray();
    }

    /// <summary>How many of the 1,024 pixels differ noticeably from the other picture's.</summary>
    public int ChangedPixels(PictureFingerprint other)
    {
        var changed = 0;
        for (var i = 0; i < PixelCount; i++)
        {
            if (Math.Abs(_pixels[i] - other._pixels[i]) > ChangedLevel)
            {
                changed++;
            }
        }

        return changed;
    }

    /// <summary>Side of the compact form kept with each frame: 16×16 grey pixels, 256 bytes.</summary>
    public const int CompactSide = 16;

    /// <summary>The picture at 16×16 (2×2 averages): what is stored per frame to rank pictures within a scene.</summary>
    public byte[] Compact()
    {
        var compact = new byte[CompactSide * CompactSide];
        for (var y = 0; y < CompactSide; y++)
        {
            for (var x = 0; x < CompactSide; x++)
            {
                var sum = _pixels[2 * y * Side + 2 * x] + _pixels[2 * y * Side + 2 * x + 1] + _pixels[(2 * y + 1) * Side + 2 * x] + _pixels[(2 * y + 1) * Side + 2 * x + 1];
                compact[y * CompactSide + x] = (byte)((sum + 2) / 4);
            }
        }

        return compact;
    }

    /// <summary>Sum of absolute grey-level differences between two compact forms: 0 for the same picture.</summary>
    public static int Difference(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var sum = 0;
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            sum += Math.Abs(a[i] - b[i]);
        }

        return sum;
    }

    /// <summary>The <see cref="PerceptualHash"/> of the picture, from a 9×8 area average of the fingerprint.</summary>
    public long Hash()
    {
        Span<byte> small = stackalloc byte[PerceptualHash.PixelCount];
        for (var row = 0; row < PerceptualHash.Height; row++)
        {
            for (var column = 0; column < PerceptualHash.Width; column++)
            {
                small[row * PerceptualHash.Width + column] = Average(
                    column * Side / (double)PerceptualHash.Width, (column + 1) * Side / (double)PerceptualHash.Width,
                    row * Side / (double)PerceptualHash.Height, (row + 1) * Side / (double)PerceptualHash.Height);
            }
        }

        return PerceptualHash.FromGray9x8(small);
    }

    /// <summary>The area-weighted mean of the pixels under [x0, x1) × [y0, y1).</summary>
    private byte Average(double x0, double x1, double y0, double y1)
    {
        double sum = 0, area = 0;
        for (var y = (int)y0; y < Math.Min(Side, (int)Math.Ceiling(y1)); y++)
        {
            var height = Math.Min(y + 1, y1) - Math.Max(y, y0);
            for (var x = (int)x0; x < Math.Min(Side, (int)Math.Ceiling(x1)); x++)
            {
                var weight = height * (Math.Min(x + 1, x1) - Math.Max(x, x0));
                sum += _pixels[y * Side + x] * weight;
                area += weight;
            }
        }

        return (byte)Math.Round(sum / area);
    }
}
