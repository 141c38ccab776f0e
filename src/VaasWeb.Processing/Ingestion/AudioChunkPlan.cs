namespace VaasWeb.Processing.Ingestion;

/// <summary>A span of audio in samples: [Start, End).</summary>
public readonly record struct SampleSpan(long Start, long End)
{
    public long Length => End - Start;
}

/// <summary>
/// Cuts an audio track into overlapping chunks: each <c>chunk</c> long, each starting <c>chunk − overlap</c> after
/// the previous one, the last one ending with the audio. A final piece shorter than <c>minimum</c> is dropped,
/// and so is a piece the previous chunk already covers. Works in whole samples, so boundaries are exact.
/// </summary>
public static class AudioChunkPlan
{
    public static IReadOnlyList<SampleSpan> Plan(long totalSamples, int sampleRate, double chunkSeconds, double overlapSeconds, double minimumSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(totalSamples);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        var length = (long)Math.Round(chunkSeconds * sampleRate);
        var step = length - (long)Math.Round(overlapSeconds * sampleRate);
        var minimum = (long)Math.Round(minimumSeconds * sampleRate);
        if (length <= 0 || step <= 0)
        {
            throw new ArgumentException("A chunk must be longer than its overlap.");
        }

        var spans = new List<SampleSpan>();
        for (long start = 0; start < totalSamples; start += step)
        {
            var end = Math.Min(start + length, totalSamples);
            if (end - start < minimum)
            {
                break;
            }

            spans.Add(new SampleSpan(start, end));
            if (end == totalSamples)
            {
                break;
            }
        }

        return spans;
    }
}
