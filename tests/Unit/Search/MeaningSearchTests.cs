using VaasWeb.Processing.Search;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Videos;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.Search;

/// <summary>
/// Search by meaning with nothing configured: a real ingestion (ffmpeg, tesseract, the built-in MiniLM model) of three
/// slides, then questions that share no word with what the slides say, or only one, find the right slide's moment.
/// With ranking by meaning off, the same questions find nothing: the words alone do not carry them.
/// </summary>
public sealed class MeaningSearchTests : IAsyncLifetime
{
    /// <summary>Each slide's sentence and when it is shown (seconds).</summary>
    private static readonly (string Text, double From, double Until, string Background)[] Slides =
    [
        ("A paper boat drifts down a rain-filled gutter", 0, 4, "0x182030"),
        ("The chef slices onions in a busy kitchen", 4, 8, "0x402018"),
        ("Stock prices fell sharply on Monday", 8, 12, "0x183020"),
    ];

    private readonly TempDirectory _temp = new();
    private ProcessingHost _host = null!;
    private ProcessingHost? _wordsOnly;
    private string _video = "";

    public async Task InitializeAsync()
    {
        _video = _temp.Combine("slides.mp4");
        // Each slide on a background of its own, as decks have: a change of text alone on one background is a look-alike
        // frame, read once (see DistinctFrames).
        var slides = string.Join(",", Slides.Select(s =>
            $"drawbox=x=0:y=0:w=iw:h=ih:color={s.Background}:t=fill:enable='between(t,{s.From},{s.Until - 0.04})'," +
            $"drawtext=text='{s.Text}':fontcolor=white:fontsize=34:x=(w-text_w)/2:y=(h-text_h)/2:enable='between(t,{s.From},{s.Until - 0.04})'"));
        await TestMedia.RunFfmpegAsync(["-v", "error", "-y", "-f", "lavfi", "-i", "color=c=black:size=960x540:rate=25", "-vf", slides,
            "-t", "12", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", _video]);
        _host = await IngestAsync("meaning", new Dictionary<string, string?>());
    }

    [Theory]
    [InlineData("a small boat in rainwater", 0)]
    [InlineData("someone cooking food", 1)]
    [InlineData("the market went down", 2)]
    public async Task MeaningOnlyQuestion_FindsItsSlidesMoment(string query, int slide)
    {
        var result = await _host.Get<SearchService>().SearchTextAsync(query, null, 5, CancellationToken.None);

        Assert.True(result.Notice is null, result.Notice);
        var top = Assert.IsType<SearchHit>(result.Hits.FirstOrDefault());
        Assert.Equal(HitSource.ScreenText, top.Source);
        Assert.True(top.Text.Contains(Slides[slide].Text.Split(' ')[^1], StringComparison.OrdinalIgnoreCase),
            string.Join(" | ", result.Hits.Select(h => $"{h.Text} ({h.StartSeconds}-{h.EndSeconds}, {h.Score})")));
        Assert.InRange(top.StartSeconds, Slides[slide].From - 1, Slides[slide].Until);
    }

    [Fact]
    public async Task WithRankingByMeaningOff_TheWordsAloneFindNothingForThem()
    {
        _wordsOnly = await IngestAsync("words", new Dictionary<string, string?> { ["Intelligence:Embeddings:Provider"] = "None" });

        var result = await _wordsOnly.Get<SearchService>().SearchTextAsync("someone cooking food", null, 5, CancellationToken.None);

        Assert.Empty(result.Hits);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        if (_wordsOnly is not null)
        {
            await _wordsOnly.DisposeAsync();
        }

        _temp.Dispose();
    }

    private async Task<ProcessingHost> IngestAsync(string name, Dictionary<string, string?> settings)
    {
        var host = await ProcessingHost.StartAsync(_temp.Combine(name), settings);
        var incoming = host.Storage.NewIncomingPath();
        File.Copy(_video, incoming);
        var imported = await host.Get<VideoImporter>().ImportUploadAsync(incoming, "slides.mp4", new FileInfo(incoming).Length, "x", autoStart: true, null, CancellationToken.None);
        var done = await host.Events.WaitForFinishAsync(imported.Task!.Id, TimeSpan.FromMinutes(2));
        Assert.True(done.State == TaskState.Completed, $"{done.State}: {done.ErrorCode} {done.ErrorMessage}");
        return host;
    }
}
