using VaasWeb.Processing.Ingestion;

namespace VaasWeb.Tests.Unit.Ingestion;

[Trait("Category", "Fast")]
public class AudioChunkPlanTests
{
    private const int Rate = 16000;

    [Fact]
    public void Plan_TwentyFiveSeconds_GivesThreeOverlappingChunksEndingWithTheAudio()
    {
        Assert.Equal([(0.0, 10.0), (9.0, 19.0), (18.0, 25.0)], Seconds(Plan(25)));
    }

    [Fact]
    public void Plan_TailShorterThanMinimum_IsDropped()
    {
        // With no overlap the third piece would be [20, 20.5]: half a second, under the 1 s minimum.
        var spans = AudioChunkPlan.Plan(Samples(20.5), Rate, chunkSeconds: 10, overlapSeconds: 0, minimumSeconds: 1);

        Assert.Equal([(0.0, 10.0), (10.0, 20.0)], Seconds(spans));
    }

    [Fact]
    public void Plan_TailAlreadyCoveredByThePreviousChunk_IsNotRepeated()
    {
        // 18.5 s: [9, 18.5] reaches the end, so no [18, 18.5] sliver follows it.
        Assert.Equal([(0.0, 10.0), (9.0, 18.5)], Seconds(Plan(18.5)));
    }

    [Fact]
    public void Plan_ExactlyOneChunkLong_IsOneChunk()
    {
        Assert.Equal([(0.0, 10.0)], Seconds(Plan(10)));
    }

    [Fact]
    public void Plan_AudioShorterThanTheMinimum_GivesNoChunks()
    {
        Assert.Empty(Plan(0.5));
        Assert.Empty(Plan(0));
    }

    [Fact]
    public void Plan_ShortAudioAboveMinimum_IsOneShortChunk()
    {
        Assert.Equal([(0.0, 3.2)], Seconds(Plan(3.2)));
    }

    [Fact]
    public void Plan_ChunksCoverEverySampleAndOverlapByExactlyTheOverlap()
    {
        var spans = Plan(3600.37);

        Assert.Equal(0, spans[0].Start);
        Assert.Equal(Samples(3600.37), spans[^1].End);
        for (var i = 1; i < spans.Count; i++)
        {
            Assert.Equal(Samples(1), spans[i - 1].End - spans[i].Start);
        }
    }

    [Fact]
    public void Plan_OverlapNotShorterThanChunk_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => AudioChunkPlan.Plan(Samples(30), Rate, chunkSeconds: 5, overlapSeconds: 5, minimumSeconds: 1));
    }

    private static IReadOnlyList<SampleSpan> Plan(double seconds) =>
        AudioChunkPlan.Plan(Samples(seconds), Rate, chunkSeconds: 10, overlapSeconds: 1, minimumSeconds: 1);

    private static long Samples(double seconds) => (long)Math.Round(seconds * Rate);

    private static (double, double)[] Seconds(IEnumerable<SampleSpan> spans) =>
        spans.Select(s => ((double)s.Start / Rate, (double)s.End / Rate)).ToArray();
}
