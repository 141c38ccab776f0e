using System.Globalization;

namespace VaasWeb.Processing.Tasks;

/// <summary>A duration as people read it in a task's reason: "0.5 s", "45 s", "2 min 30 s", "1 h 5 min".</summary>
public static class DurationText
{
    public static string Of(TimeSpan span)
    {
        if (span < TimeSpan.FromSeconds(60))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{Math.Round(span.TotalSeconds, 1):0.#} s");
        }

        var rounded = TimeSpan.FromSeconds(Math.Round(span.TotalSeconds));
        if (rounded < TimeSpan.FromHours(1))
        {
            return rounded.Seconds == 0 ? $"{(int)rounded.TotalMinutes} min" : $"{(int)rounded.TotalMinutes} min {rounded.Seconds} s";
        }

        return rounded.Minutes == 0 ? $"{(int)rounded.TotalHours} h" : $"{(int)rounded.TotalHours} h {rounded.Minutes} min";
    }
}
