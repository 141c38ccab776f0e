using VaasWeb.Processing.Search;
using VaasWeb.Processing.Videos;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.Videos;

[Trait("Category", "Fast")]
public sealed class SubtitlesTests
{
    private static readonly Guid Video = Guid.NewGuid();

    [Fact]
    public void ShortSegments_OneCueEach_AtTheirTimes_InWebVttAndSrt()
    {
        var cues = Subtitles.Cues([Speech(12.04, 14.5, "please open the door"), Speech(3661.25, 3663, "one hour later")]);

        Assert.Equal(
            "WEBVTT\n\n00:00:12.040 --> 00:00:14.500\nplease open the door\n\n01:01:01.250 --> 01:01:03.000\none hour later\n",
            Subtitles.ToWebVtt(cues));
        Assert.Equal(
            "1\r\n00:00:12,040 --> 00:00:14,500\r\nplease open the door\r\n\r\n2\r\n01:01:01,250 --> 01:01:03,000\r\none hour later\r\n",
            Subtitles.ToSrt(cues));
    }

    [Fact]
    public void ALongSegment_IsWrappedAt42_TwoLinesACue_EachCueFromItsFirstWord()
    {
        var words = Enumerable.Range(1, 40).Select(i => $"word{i}").ToArray();
        var starts = Enumerable.Range(0, 40).Select(i => 20 + i * 0.5).ToArray();
        var segment = new TextSegment(Video, TextSource.Speech, 20, 40, string.Join(' ', words)) { WordStarts = TextSegment.PackWordStarts(starts) };

        var cues = Subtitles.Cues([segment]);

        Assert.True(cues.Count > 1);
        Assert.All(cues, c => Assert.InRange(c.Lines.Count, 1, Subtitles.MaxLinesPerCue));
        Assert.All(cues.SelectMany(c => c.Lines), l => Assert.InRange(l.Length, 1, Subtitles.MaxLineLength));
        Assert.Equal(words, cues.SelectMany(c => c.Lines).SelectMany(l => l.Split(' ')));
        // Each cue begins when its first word is said and ends when the next cue's first word is.
        var firstWords = cues.Select(c => Array.IndexOf(words, c.Lines[0].Split(' ')[0])).ToArray();
        Assert.Equal(firstWords.Select(i => starts[i]), cues.Select(c => c.StartSeconds));
        Assert.Equal(cues.Skip(1).Select(c => c.StartSeconds).Append(40), cues.Select(c => c.EndSeconds));
    }

    [Fact]
    public void OverlappingSegments_FromOverlappingAudioChunks_NeverShowTwoCuesAtOnce()
    {
        var cues = Subtitles.Cues([Speech(9.5, 11.2, "the end of the first chunk"), Speech(10.8, 12, "the next one")]);

        Assert.Equal((9.5, 10.8), (cues[0].StartSeconds, cues[0].EndSeconds));
        Assert.Equal((10.8, 12.0), (cues[1].StartSeconds, cues[1].EndSeconds));
    }

    [Fact]
    public void MarkupInTheWords_IsEscapedForWebVtt_AndAWordLongerThanALineIsCut()
    {
        var vtt = Subtitles.ToWebVtt(Subtitles.Cues([Speech(1, 2, "a <b> & c --> d"), Speech(3, 3, new string('x', 50))]));

        Assert.Contains("a &lt;b&gt; &amp; c --&gt; d\n", vtt);
        Assert.Contains($"\n{new string('x', 42)}\n{new string('x', 8)}\n", vtt);
        Assert.Contains("00:00:03.000 --> 00:00:03.500", vtt);
        WebVttCheck.AssertValid(vtt);
    }

    [Fact]
    public void NoSpeech_IsAValidFileWithoutCues()
    {
        Assert.Equal("WEBVTT\n", Subtitles.ToWebVtt(Subtitles.Cues([])));
        Assert.Equal("", Subtitles.ToSrt(Subtitles.Cues([])));
    }

    private static TextSegment Speech(double start, double end, string text) => new(Video, TextSource.Speech, start, end, text);
}
