namespace VaasWeb.Processing.Uploads;

public static class Bytes
{
    /// <summary>1536 → "1.5 KiB": sizes as people read them.</summary>
    public static string Format(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.##} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.##} MiB",
        >= 1L << 10 => $"{bytes / (double)(1L << 10):0.##} KiB",
        _ => $"{bytes} bytes",
    };
}
