using VaasWeb.Processing.Ingestion.Steps;
using VaasWeb.Processing.Intelligence;
using VaasWeb.Processing.Search;
using VaasWeb.Processing.Videos;

namespace VaasWeb.Tests.Unit.Intelligence;

[Trait("Category", "Fast")]
public class TesseractTsvTests
{
    private const string Header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext";

    [Fact]
    public void ParseTsv_TwoPages_GivesTheirWordsWithLineAndConfidence_WithoutStructureRowsOrBlanks()
    {
        var tsv = string.Join('\n',
            Header,
            "1\t1\t0\t0\t0\t0\t0\t0\t800\t600\t-1\t",
            "4\t1\t2\t1\t1\t0\t120\t430\t560\t36\t-1\t",
            "5\t1\t2\t1\t1\t1\t120\t430\t110\t36\t96.412\tBudget",
            "5\t1\t2\t1\t1\t2\t240\t430\t120\t36\t95.5\treview",
            "1\t2\t0\t0\t0\t0\t0\t0\t320\t240\t-1\t",
            "5\t2\t1\t1\t1\t1\t0\t0\t320\t240\t95.000000\t ",
            "5\t2\t3\t1\t2\t1\t10\t20\t30\t10\t14.2\tee\r",
            "");

        var words = TesseractFrameTextReader.ParseTsv(tsv);

        Assert.Equal(
            [new OcrWord(1, 2, 1, 1, 96.412, "Budget"), new OcrWord(1, 2, 1, 1, 95.5, "review"), new OcrWord(2, 3, 1, 2, 14.2, "ee")],
            words);
    }

    [Fact]
    public void ParseTsv_NothingAtAll_IsNoWords()
    {
        Assert.Empty(TesseractFrameTextReader.ParseTsv(""));
    }

    [Theory]
    [InlineData("Budget review for next year", "does not start with the expected header")]
    [InlineData(Header + "\n5\t1\t2\t1\t1\t1\t120\t430\t110\t36\tsure\tBudget", "line 2 of its TSV output is not 12 columns")]
    [InlineData(Header + "\n5\t1\t2\t1\t1\t1\t120\t430\t110\t36\t96", "line 2 of its TSV output is not 12 columns")]
    public void ParseTsv_NotTesseractsTsv_FailsSayingWhere(string output, string expected)
    {
        var e = Assert.Throws<ProviderException>(() => TesseractFrameTextReader.ParseTsv(output));

        Assert.Equal("tesseract", e.Provider);
        Assert.Contains(expected, e.Message);
    }
}

[Trait("Category", "Fast")]
public class ScreenTextFilterTests
{
    private static readonly OcrOptions Defaults = new();

    /// <summary>Lines as tesseract read them from real frames: "word(confidence)" separated by spaces.</summary>
    [Theory]
    [InlineData("Budget(96) review(96) for(96) next(95) year(95)", "Budget review for next year")]
    [InlineData("Revenue(96) grew(96) 42(96) percent(96) in(95) 2026(95)", "Revenue grew 42 percent in 2026")]
    [InlineData("Welcome(96) back(96) everyone(94) 4(48)", "Welcome back everyone")]
    [InlineData("Fractal(94) Zoom(87) Wa(37)", "Fractal Zoom")]
    [InlineData("Sales(95) &(93) Marketing(94)", "Sales & Marketing")]
    [InlineData("(Total:)(92) 1,000.50(91)", "(Total:) 1,000.50")]
    [InlineData("Speaker(88) notes(93) are(96) small(95)", "Speaker notes are small")]
    public void KeepLine_ConfidentWriting_IsKeptWithoutItsUnsureWords(string line, string expected)
    {
        Assert.Equal(expected, string.Join(' ', ScreenTextFilter.KeepLine(Words(line), Defaults).Select(w => w.Text)));
    }

    [Theory]
    [InlineData("ee(14) Es(47)")] // testsrc2's shapes
    [InlineData("Ee)(80) BO(91) &(60) im(92)")] // mostly two-letter words, however sure
    [InlineData("i(95) ae(93) i(95) ae(93)")]
    [InlineData("‘as(85)")]
    [InlineData("an(96)")]
    [InlineData("00:00:25(74) .000}(45)")] // a test pattern's clock: figures alone
    [InlineData("00:00:15(79) .480)(78) 387(87)")]
    [InlineData("Gravion(0) Berekoroutneh(32) wide(0)")]
    [InlineData("mon(68)")] // one word, unsure
    [InlineData("Budget(75) review(78) for(80) year(76)")] // each word just sure enough, the line not
    [InlineData("Gradient(91) Backgrounaimitle(7) Title(41)")] // most words unsure
    [InlineData("ab|cd(96) xy}z(95)")] // not shaped like words
    [InlineData("“(99) |(99) —(99)")]
    public void KeepLine_Noise_KeepsNothing(string line)
    {
        Assert.Empty(ScreenTextFilter.KeepLine(Words(line), Defaults));
    }

    [Fact]
    public void KeepLine_LowerThresholds_KeepWhatTheDefaultsDrop()
    {
        var lenient = new OcrOptions { MinWordConfidence = 40, MinShortWordConfidence = 40, MinLineConfidence = 45 };

        Assert.Equal(["Gradieng", "Background", "Title"], ScreenTextFilter.KeepLine(Words("Gradieng(45) Background(62) Title(41)"), lenient).Select(w => w.Text));
    }

    [Fact]
    public void Keep_APage_KeepsItsKeptLinesInOrderOnePerLine_WithTheirWordsMeanConfidence()
    {
        OcrWord[] page =
        [
            .. Words("00:00:(70) 13.000}(10)", block: 1),
            .. Words("Step(96) one(94)", block: 2),
            .. Words("gal(19) |(84)", block: 3),
            .. Words("Open(96) the(95) door(95) —(93)", block: 4),
        ];

        var text = ScreenTextFilter.Keep(page, Defaults);

        Assert.Equal("Step one\nOpen the door —", text.Text);
        Assert.Equal((96 + 94 + 96 + 95 + 95) / 5.0, text.Confidence, precision: 6);
    }

    [Fact]
    public void Keep_OnlyNoise_IsNone()
    {
        Assert.Same(FrameText.None, ScreenTextFilter.Keep([.. Words("ee(14) Es(47)", block: 1), .. Words("325)(81)", block: 2)], Defaults));
    }

    private static OcrWord[] Words(string line, int block = 1) =>
        line.Split(' ').Select(w => new OcrWord(1, block, 1, 1, double.Parse(w[(w.LastIndexOf('(') + 1)..^1], System.Globalization.CultureInfo.InvariantCulture), w[..w.LastIndexOf('(')])).ToArray();
}

[Trait("Category", "Fast")]
public class TextSimilarityTests
{
    [Theory]
    [InlineData("Budget review for next year", "Budget review for next year", 1.0)]
    [InlineData("QUARTERLY SALES REPORT", "quarterly  sales report", 1.0)]
    [InlineData("abc", "", 0.0)]
    [InlineData("", "", 1.0)]
    [InlineData("kitten", "sitting", 1 - 3 / 7.0)]
    public void Of_KnownPairs(string a, string b, double expected)
    {
        Assert.Equal(expected, TextSimilarity.Of(a, b), precision: 6);
    }

    [Theory]
    [InlineData("Budget review for next year", "Budget review for next yeat")]
    [InlineData("QUARTERLY SALES REPORT", "Ee) QUARTERLY SALES REPORT")]
    public void Of_TheSameSlideReadTwice_IsAtLeastTheDefaultMergeSimilarity(string a, string b)
    {
        Assert.InRange(TextSimilarity.Of(a, b), new OcrOptions().MergeSimilarity, 1);
    }

    [Theory]
    [InlineData("Step one", "Step two")]
    [InlineData("Agenda for today", "Budget review for next year")]
    public void Of_DifferentSlides_IsBelowTheDefaultMergeSimilarity(string a, string b)
    {
        Assert.True(TextSimilarity.Of(a, b) < new OcrOptions().MergeSimilarity);
    }
}

[Trait("Category", "Fast")]
public class FrameTextBatchTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(20, 10)]
    [InlineData(60, 30)]
    [InlineData(127, 64)]
    [InlineData(600, 64)]
    public void BatchSize_SplitsThePicturesBetweenTwoReaders_AtMost64ARun(int pictures, int perRun)
    {
        Assert.Equal(perRun, FrameTextStep.BatchSize(pictures));
    }
}

[Trait("Category", "Fast")]
public class ScreenTextMergeTests
{
    private static readonly Guid VideoId = Guid.NewGuid();

    [Fact]
    public void Merge_TheSameSlideReadDifferently_IsOneSegmentOverAllItsPicturesWithTheSurestReading()
    {
        var segments = FrameTextStep.Merge(VideoId, Pictures(8, 11, 12, 13),
            [new("Ee) QUARTERLY SALES REPORT", 84), new("QUARTERLY SALES REPORT", 95.5), new("QUARTERLY SALES REP0RT", 91)], 0.8);

        var segment = Assert.Single(segments);
        Assert.Equal((8.0, 13.0, "QUARTERLY SALES REPORT", TextSource.ScreenText, VideoId), (segment.StartSeconds, segment.EndSeconds, segment.Text, segment.Source, segment.VideoId));
    }

    [Fact]
    public void Merge_DifferentSlidesInARow_StayApart()
    {
        var segments = FrameTextStep.Merge(VideoId, Pictures(0, 4, 8, 12), [new("Step one", 96), new("Step two", 96), new("Step two", 95)], 0.8);

        Assert.Equal([(0.0, 4.0, "Step one"), (4.0, 12.0, "Step two")], segments.Select(s => (s.StartSeconds, s.EndSeconds, s.Text)));
    }

    [Fact]
    public void Merge_APictureWithoutTextBetween_EndsTheSegment()
    {
        var segments = FrameTextStep.Merge(VideoId, Pictures(0, 2, 4, 6), [new("Step one", 96), FrameText.None, new("Step one", 96)], 0.8);

        Assert.Equal([(0.0, 2.0), (4.0, 6.0)], segments.Select(s => (s.StartSeconds, s.EndSeconds)));
    }

    [Fact]
    public void Merge_SimilarityOfOne_MergesOnlyTheSameText()
    {
        var segments = FrameTextStep.Merge(VideoId, Pictures(0, 1, 2, 3), [new("Step one", 90), new("STEP  ONE", 96), new("Step 0ne", 80)], 1);

        Assert.Equal([(0.0, 2.0, "STEP  ONE"), (2.0, 3.0, "Step 0ne")], segments.Select(s => (s.StartSeconds, s.EndSeconds, s.Text)));
    }

    [Fact]
    public void Merge_OnlyNoise_IsNoSegment()
    {
        Assert.Empty(FrameTextStep.Merge(VideoId, Pictures(0, 1, 2), [FrameText.None, FrameText.None], 0.8));
    }

    /// <summary>Distinct pictures starting at the given seconds, each lasting until the next; the last value is where the video ends.</summary>
    private static IReadOnlyList<DistinctFrame> Pictures(params double[] seconds) =>
        seconds[..^1].Select((s, i) => new DistinctFrame(new Frame(VideoId, i, s, $"f{i}.jpg", 8, 8), seconds[i + 1])).ToArray();
}

[Trait("Category", "Fast")]
public class OcrOptionsTests
{
    [Fact]
    public void Validate_Defaults_AreValid()
    {
        Assert.True(new IntelligenceOptionsValidator().Validate(null, new IntelligenceOptions()).Succeeded);
    }

    public static TheoryData<string, Action<OcrOptions>> BadValues => new()
    {
        { "Intelligence:Ocr:MinWordConfidence must be between 0 and 100 (got -1)", o => o.MinWordConfidence = -1 },
        { "Intelligence:Ocr:MinShortWordConfidence must be between 0 and 100 (got 101)", o => o.MinShortWordConfidence = 101 },
        { "Intelligence:Ocr:MinLineConfidence must be between 0 and 100 (got 150)", o => o.MinLineConfidence = 150 },
        { "Intelligence:Ocr:MergeSimilarity must be greater than 0 and at most 1 (got 0)", o => o.MergeSimilarity = 0 },
        { "Intelligence:Ocr:MergeSimilarity must be greater than 0 and at most 1 (got 1.5)", o => o.MergeSimilarity = 1.5 },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void Validate_BadValue_FailsNamingTheSettingAndTheValue(string expected, Action<OcrOptions> spoil)
    {
        var options = new IntelligenceOptions();
        spoil(options.Ocr);

        var result = new IntelligenceOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, message => message.StartsWith(expected, StringComparison.Ordinal));
    }
}
