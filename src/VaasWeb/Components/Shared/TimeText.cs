namespace VaasWeb.Components.Shared;

/// <summary>Durations as the board shows them.</summary>
public static class TimeText
{
    /// <summary>Time left: "—" when unknown, then "< 1 s", "42 s", "3 min 05 s", "2 h 07 min".</summary>
    public static string Eta(TimeSpan? remaining) => remaining switch
    {
        null => "—",
        { TotalSeconds: < 1 } => "< 1 s",
        { TotalSeconds: < 60 } r => $"{(int)r.TotalSeconds} s",
        { TotalHours: < 1 } r => $"{(int)r.TotalMinutes} min {r.Seconds:00} s",
        var r => $"{(int)r.Value.TotalHours} h {r.Value.Minutes:00} min",
    };

    /// <summary>Elapsed time like a stopwatch: "0:07", "12:34", "1:02:03".</summary>
    public static string Clock(TimeSpan elapsed)
    {
        var positive = elapsed < TimeSpan.Zero ? TimeSpan.Zero : elapsed;
        return positive.TotalHours >= 1
            ? $"{(int)positive.TotalHours}:{positive.Minutes:00}:{positive.Seconds:00}"
            : $"{(int)positive.TotalMinutes}:{positive.Seconds:00}";
    }

    /// <summary>A video's length: "0:10", "1:02:03", or "—".</summary>
    public static string Duration(double? seconds) => seconds is { } s ? Clock(TimeSpan.FromSeconds(Math.Round(s))) : "—";
}
