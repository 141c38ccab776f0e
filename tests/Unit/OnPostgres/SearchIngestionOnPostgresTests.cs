using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Search;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Videos;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.OnPostgres;

/// <summary>
/// Search.SearchIngestionTests' text checks on PostgreSQL, in one run: a real ingestion (pocketsphinx, tesseract,
/// ffmpeg) feeds PostgresTextIndex, and a re-run and a deletion take its entries out again. One scenario instead of
/// a derived class, because every test there ingests the video anew (about 8 s each); the picture and clip tests
/// there do not touch the database's text search.
/// </summary>
public sealed class SearchIngestionOnPostgresTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private ProcessingHost _host = null!;

    public async Task InitializeAsync() => _host = await ProcessingHost.StartAsync(_temp.Combine("data"), database: DatabaseProvider.Postgres);

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task IngestSearchRerunDelete_TheTextIndexFollowsTheVideo()
    {
        var incoming = _host.Storage.NewIncomingPath();
        File.Copy(await TestMedia.TalkingVideoAsync(), incoming);
        var video = await _host.Get<VideoImporter>().ImportUploadAsync(incoming, "meeting.mp4", new FileInfo(incoming).Length, "x", autoStart: true, null, CancellationToken.None);
        Assert.Equal(TaskState.Completed, (await _host.Events.WaitForFinishAsync(video.Task!.Id, TimeSpan.FromMinutes(2))).State);
        var search = _host.Get<SearchService>();

        var spoken = (await search.SearchTextAsync("open the door", null, 10, CancellationToken.None)).Hits[0];
        Assert.Equal((HitSource.Speech, "meeting.mp4"), (spoken.Source, spoken.VideoName));
        Assert.InRange(spoken.StartSeconds, TestMedia.SpokenAtSeconds - 0.2, TestMedia.SpokenAtSeconds + 0.6);
        Assert.Contains("<mark>door</mark>", spoken.HighlightedHtml);
        var drawn = Assert.Single((await search.SearchTextAsync("quarterly sales", null, 10, CancellationToken.None)).Hits);
        Assert.Equal((HitSource.ScreenText, "QUARTERLY SALES REPORT"), (drawn.Source, drawn.Text));
        Assert.Empty((await search.SearchTextAsync("door", Guid.NewGuid(), 10, CancellationToken.None)).Hits);

        await _host.Get<TaskCommands>().RerunAsync(video.Task.Id, null, CancellationToken.None);
        await _host.Events.WaitForAsync(video.Task.Id, s => s is { Attempt: 2, State: TaskState.Completed }, TimeSpan.FromMinutes(2));
        Assert.Single((await search.SearchTextAsync("quarterly", null, 10, CancellationToken.None)).Hits);
        await using (var db = await _host.DbAsync())
        {
            Assert.Equal(2, await db.TextSegments.CountAsync(s => s.VideoId == video.Video.Id));
        }

        var (outcome, _) = await _host.Get<VideoDeletion>().DeleteAsync(video.Video.Id, TestActors.Named("root"), CancellationToken.None);
        Assert.Equal(DeleteVideoOutcome.Deleted, outcome);
        Assert.Empty((await search.SearchTextAsync("open the door", null, 10, CancellationToken.None)).Hits);
    }
}
