using VaasWeb.Processing.Clips;
using VaasWeb.Processing.Ingestion.Steps;
using VaasWeb.Processing.Intelligence;
using VaasWeb.Processing.Search;
using VaasWeb.Processing.Videos;

namespace VaasWeb.Tests.Unit.Search;

[Trait("Category", "Fast")]
public class FtsQueryTests
{
    [Theory]
    [InlineData("open door", "\"open\" \"door\"*")]
    [InlineData("open door ", "\"open\" \"door\"")]
    [InlineData("\"open the door\"", "\"open the door\"")]
    [InlineData("Quarterly SALES", "\"quarterly\" \"sales\"*")]
    [InlineData("a:b OR (c) NEAR\"d", "\"a b\" \"or\" \"c\" \"near\" \"d\"")]
    [InlineData("   ", null)]
    [InlineData("*** ---", null)]
    public void Build_AnythingTyped_BecomesAQueryThatCannotFailToParse(string input, string? expected)
    {
        Assert.Equal(expected, FtsQuery.Build(input));
    }
}

[Trait("Category", "Fast")]
public class HighlightTests
{
    [Fact]
    public void Highlight_MarksMatchesAndEncodesEverythingElse()
    {
        var marked = $"<b>please</b> {ITextIndex.MatchStart}open{ITextIndex.MatchEnd} the {ITextIndex.MatchStart}door{ITextIndex.MatchEnd} & go";

        Assert.Equal("&lt;b&gt;please&lt;/b&gt; <mark>open</mark> the <mark>door</mark> &amp; go", SearchService.Highlight(marked));
    }

    [Fact]
    public void Highlight_NoMarks_IsJustEncoded()
    {
        Assert.Equal("a &lt; b", SearchService.Highlight("a < b"));
    }
}

[Trait("Category", "Fast")]
public class ClipSpanTests
{
    [Theory]
    [InlineData(-1, 9, 25, 0, 9)]
    [InlineData(18, 28, 25, 18, 25)]
    [InlineData(30, 40, 25, 25, 25)]
    [InlineData(5, 3, 25, 5, 5)]
    [InlineData(2, 12, 25, 2, 12)]
    public void Clamp_KeepsTheClipInsideTheVideo(double start, double end, double duration, double expectedStart, double expectedEnd)
    {
        Assert.Equal((expectedStart, expectedEnd), ClipPlanner.Clamp(start, end, duration));
    }
}

[Trait("Category", "Fast")]
public class PictureTests
{
    [Fact]
    public void Fingerprint_SamePicture_SameHashAndNothingChanged()
    {
        var a = Picture(x => x * 8);
        var b = Picture(x => x * 8);

        Assert.Equal(a.Hash(), b.Hash());
        Assert.Equal(0, a.ChangedPixels(b));
    }

    [Fact]
    public void Fingerprint_LineOfTextAppearing_ChangesEnoughPixelsToCountAsANewPicture()
    {
        var plain = Picture(_ => 30);
        var withText = Picture((x, y) => y is 26 or 27 && x % 3 != 0 ? 240 : 30);

        Assert.True(plain.ChangedPixels(withText) >= new OcrOptions().MinChangedPixels);
    }

    [Fact]
    public void Hash_UnrelatedPictures_AreFarApart()
    {
        var gradient = Picture(x => x * 8);
        var reversed = Picture(x => 255 - x * 8);

        Assert.True(PerceptualHash.Distance(gradient.Hash(), reversed.Hash()) > SearchService.MaxPictureDistance);
    }

    [Fact]
    public void LookAlikeGroups_RunsOfTheSamePicture_ShareTheirFirstFramesIndex()
    {
        var a = Picture(_ => 30);
        var b = Picture((x, y) => y > 20 ? 240 : 30);

        Assert.Equal([0, 0, 2, 2, 4], FramesStep.LookAlikeGroups([a, a, b, b, a], minChangedPixels: 8));
    }

    [Fact]
    public void DistinctFrames_OnePerGroup_LastingUntilTheNextGroup()
    {
        Frame F(int index, int group) => new(Guid.Empty, index, index, $"f{index}.jpg", 8, 8) { Group = group };

        var distinct = DistinctFrames.Of([F(0, 0), F(1, 0), F(2, 2), F(3, 2), F(4, 4)], videoEndSeconds: 6);

        Assert.Equal([(0.0, 2.0), (2.0, 4.0), (4.0, 6.0)], distinct.Select(d => (d.Frame.TimestampSeconds, d.EndSeconds)));
    }

    private static PictureFingerprint Picture(Func<int, int> byColumn) => Picture((x, _) => byColumn(x));

    private static PictureFingerprint Picture(Func<int, int, int> at)
    {
        var pixels = new byte[PictureFingerprint.PixelCount];
        for (var y = 0; y < PictureFingerprint.Side; y++)
        {
            for (var x = 0; x < PictureFingerprint.Side; x++)
            {
                pixels[y * PictureFingerprint.Side + x] = (byte)Math.Clamp(at(x, y), 0, 255);
            }
        }

        return new PictureFingerprint(pixels);
    }
}

[Trait("Category", "Fast")]
public class LocalProviderParsingTests
{
    [Fact]
    public void PocketSphinx_WordTimes_BecomeOneSegmentPerUtterance()
    {
        const string output = """
            please open the door
            <s> 0.080 0.120 1.000100
            please 0.130 0.500 0.958386
            open 0.510 0.870 0.973553
            the(2) 0.880 0.980 0.929500
            door 0.990 1.520 1.000000
            [SPEECH] 1.530 1.630 0.579283
            </s> 1.640 1.660 1.000000
            thank you
            <s> 5.000 5.010 1.0
            thank 5.020 5.300 0.9
            you 5.310 5.600 0.9
            </s> 5.610 5.620 1.0
            """;

        var segments = PocketSphinxTranscriber.Parse(output);

        Assert.Equal([(0.13, 1.52, "please open the door"), (5.02, 5.6, "thank you")], segments.Select(s => (s.StartSeconds, s.EndSeconds, s.Text)));
        // Each word's own start, so a search hit can open where its word is said.
        Assert.Equal([0.13, 0.51, 0.88, 0.99], segments[0].WordStarts!);
        Assert.Equal([5.02, 5.31], segments[1].WordStarts!);
    }
}

[Trait("Category", "Fast")]
public class TranscriptPlacementTests
{
    [Fact]
    public void PlaceOnTimeline_UtteranceHeardInTheOverlapOfTwoChunks_IsKeptOnce()
    {
        var video = Guid.NewGuid();
        AudioChunk[] chunks = [new(video, 0, 0, 10, "a"), new(video, 1, 9, 19, "b")];
        IReadOnlyList<SpeechSegment>[] heard =
        [
            [new(2, 3, "hello"), new(9.1, 9.8, "again")],
            [new(0.1, 0.8, "again"), new(4, 5, "world")],
        ];

        var placed = TranscriptStep.PlaceOnTimeline(video, chunks, heard);

        Assert.Equal([("hello", 2.0), ("again", 9.1), ("world", 13.0)], placed.Select(s => (s.Text, s.StartSeconds)));
        Assert.Equal([0, 0, 1], placed.Select(s => s.ChunkIndex!.Value));
    }

    [Fact]
    public void PlaceOnTimeline_ContinuousSpeechStartingInTheOverlap_IsKeptBecauseMostOfItIsNew()
    {
        var video = Guid.NewGuid();
        AudioChunk[] chunks = [new(video, 0, 0, 10, "a"), new(video, 1, 9, 19, "b")];
        IReadOnlyList<SpeechSegment>[] heard =
        [
            [new(0.1, 9.9, "the first ten seconds of talk")],
            [new(0.1, 9.9, "talk and the next ten seconds")],
        ];

        var placed = TranscriptStep.PlaceOnTimeline(video, chunks, heard);

        Assert.Equal([0.1, 9.1], placed.Select(s => s.StartSeconds));
    }
}

[Trait("Category", "Fast")]
public class CitationTests
{
    [Fact]
    public void Citations_TimesInTheAnswer_AreFoundOnceEach()
    {
        var citations = VideoQuestions.Citations("The door opens at [0:12], see also [1:02:03] and again [0:12].");

        Assert.Equal([(12.0, "0:12"), (3723.0, "1:02:03")], citations.Select(c => (c.Seconds, c.Label)));
    }
}

[Trait("Category", "Fast")]
public class HitMomentTests
{
    [Theory]
    // The first word matched: its start, no earlier than the utterance.
    [InlineData("\u0002please\u0003 open the door", "10.00 10.40 10.80 11.00", 10.0)]
    // A later word with its own timing: 0.3 s before it.
    [InlineData("please open the \u0002door\u0003", "10.00 10.40 10.80 11.00", 10.7)]
    // No word timings (another recogniser): where the word falls if the words were spread evenly (half way), less 0.3 s.
    [InlineData("aaaa \u0002bbbb\u0003", null, 10.95)]
    public void MomentOf_SpokenHit_IsJustBeforeTheFirstMatchingWord(string marked, string? wordStarts, double expected)
    {
        var text = marked.Replace("\u0002", "").Replace("\u0003", "");
        var segment = new TextSegment(Guid.NewGuid(), TextSource.Speech, 10, 12.5, text) { WordStarts = wordStarts };

        var moment = SearchService.MomentOf(segment, marked);

        Assert.Equal(expected, moment, precision: 2);
    }

    [Fact]
    public void MomentOf_OnScreenText_IsItsStart()
    {
        var segment = new TextSegment(Guid.NewGuid(), TextSource.ScreenText, 4, 9, "QUARTERLY SALES REPORT");

        Assert.Equal(4, SearchService.MomentOf(segment, "QUARTERLY \u0002SALES\u0003 REPORT"));
    }
}

[Trait("Category", "Fast")]
public class TsQueryTests
{
    [Theory]
    [InlineData("open door", "'open' & 'door':*")]
    [InlineData("open door ", "'open' & 'door'")]
    [InlineData("\"open the door\"", "'open' <-> 'the' <-> 'door'")]
    [InlineData("a:b OR (c) NEAR\"d", "'a' <-> 'b' & 'or' & 'c' & 'near' & 'd'")]
    [InlineData("') | !door & (", "'door':*")]
    [InlineData("*** ---", null)]
    public void BuildTsQuery_AnythingTyped_BecomesQuotedWordsAndOperatorsOfOurOwn(string input, string? expected)
    {
        Assert.Equal(expected, FtsQuery.BuildTsQuery(input));
    }
}
