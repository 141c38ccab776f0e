using VaasWeb.Processing.Media;

namespace VaasWeb.Tests.Unit.Media;

[Trait("Category", "Fast")]
public class FfmpegMediaToolTests
{
    [Fact]
    public void Summarise_KeepsTheLastMeaningfulLinesWithoutServerPaths()
    {
        string[] stderr =
        [
            "frame=   10 fps=0.0 q=3.0 size=N/A time=00:00:01.00",
            "[Parsed_showinfo_1 @ 0x1] n:   0 pts:      0 pts_time:0",
            "[image2 @ 0x55] Could not open file : /srv/vaas/data/media/derived/abc/frames/000001.jpg",
            "av_interleaved_write_frame(): Input/output error",
        ];

        var summary = FfmpegMediaTool.Summarise(stderr);

        Assert.Equal("[image2 @ 0x55] Could not open file : 000001.jpg av_interleaved_write_frame(): Input/output error", summary);
        Assert.DoesNotContain("/srv", summary);
    }

    [Fact]
    public void Summarise_NothingUseful_SaysSo()
    {
        Assert.Equal("no details", FfmpegMediaTool.Summarise(["frame=1", ""]));
    }
}
