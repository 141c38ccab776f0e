using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Search;
using VaasWeb.Processing.Videos;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.Search;

/// <summary>
/// The full-text index behind <see cref="ITextIndex"/> on a real database (SQLite FTS5 here; PostgreSQL's text search
/// in <c>OnPostgres/</c>), fed segments directly: both must answer the same questions the same way.
/// </summary>
public class TextIndexTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private ProcessingHost _host = null!;
    private Guid _meeting;
    private Guid _lecture;

    /// <summary>The database these tests run on; <c>OnPostgres/</c> runs them again on PostgreSQL.</summary>
    protected virtual DatabaseProvider Database => DatabaseProvider.Sqlite;

    private ITextIndex Index => _host.Get<ITextIndex>();

    public async Task InitializeAsync()
    {
        _host = await ProcessingHost.StartAsync(_temp.Path, database: Database);
        _meeting = await AddVideoAsync("meeting.mp4",
            (TextSource.Speech, "please open the door for the delivery"),
            (TextSource.ScreenText, "QUARTERLY SALES REPORT"),
            (TextSource.Speech, "the doors were opened at nine"));
        _lecture = await AddVideoAsync("lecture.mp4",
            (TextSource.Speech, "sales grew every quarter and the door stayed shut"),
            (TextSource.Caption, "a closed wooden door"));
        await Index.IndexVideoAsync(_meeting, CancellationToken.None);
        await Index.IndexVideoAsync(_lecture, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task Search_EveryWordMustAppear_InAnyFormTheStemmerJoins()
    {
        var matches = await TextsAsync("open doors");

        // "open"/"opened" and "door"/"doors" are one word each to the stemmer; "the" is not dropped as a stop word.
        Assert.Equal(["please open the door for the delivery", "the doors were opened at nine"], matches.Order());
        Assert.Equal(3, (await TextsAsync("the ")).Count);
    }

    [Fact]
    public async Task Search_QuotedWords_MustAppearTogether()
    {
        Assert.Equal(["please open the door for the delivery"], await TextsAsync("\"open the door\""));
        Assert.Empty(await TextsAsync("\"door open\""));
    }

    [Fact]
    public async Task Search_TheLastWordUnfinished_MatchesLongerWords()
    {
        Assert.Equal(["QUARTERLY SALES REPORT", "sales grew every quarter and the door stayed shut"], (await TextsAsync("sales quart")).Order());
        Assert.Empty(await TextsAsync("sales quart "));
    }

    [Fact]
    public async Task Search_MarksEachMatchInTheWholeText()
    {
        var match = Assert.Single(await Index.SearchAsync("sales report", null, 10, CancellationToken.None));

        Assert.Equal($"QUARTERLY {ITextIndex.MatchStart}SALES{ITextIndex.MatchEnd} {ITextIndex.MatchStart}REPORT{ITextIndex.MatchEnd}", match.MarkedText);
    }

    [Fact]
    public async Task Search_RanksTheShorterTextFirst_LowerScoreBetter()
    {
        var matches = await Index.SearchAsync("door", null, 10, CancellationToken.None);

        Assert.Equal(4, matches.Count);
        Assert.Equal("a closed wooden door", await TextOfAsync(matches[0].SegmentId));
        Assert.Equal(matches.Select(m => m.Score).Order(), matches.Select(m => m.Score));
    }

    [Fact]
    public async Task Search_WithinOneVideo_AndWithALimit()
    {
        Assert.Equal(2, (await Index.SearchAsync("door", _lecture, 10, CancellationToken.None)).Count);
        Assert.Single(await Index.SearchAsync("door", null, 1, CancellationToken.None));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("*** --- :")]
    [InlineData("a:b OR (c) NEAR\"d")]
    [InlineData("') | !door & (")]
    public async Task Search_AnythingTyped_NeverFailsToParse(string typed)
    {
        var matches = await Index.SearchAsync(typed, null, 10, CancellationToken.None);

        Assert.All(matches, m => Assert.Contains(ITextIndex.MatchStart, m.MarkedText));
    }

    [Fact]
    public async Task RemoveVideo_TakesOnlyItsSegmentsOutOfTheIndex_AndIndexAgainBringsThemBack()
    {
        await Index.RemoveVideoAsync(_lecture, CancellationToken.None);

        Assert.Equal(2, (await Index.SearchAsync("door", null, 10, CancellationToken.None)).Count);
        await Index.IndexVideoAsync(_lecture, CancellationToken.None);
        await Index.IndexVideoAsync(_lecture, CancellationToken.None);
        Assert.Equal(4, (await Index.SearchAsync("door", null, 10, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task SegmentsNotYetIndexed_AreNotFound()
    {
        await AddVideoAsync("draft.mp4", (TextSource.Speech, "an unindexed door"));

        Assert.Equal(4, (await Index.SearchAsync("door", null, 10, CancellationToken.None)).Count);
    }

    private async Task<Guid> AddVideoAsync(string name, params (TextSource Source, string Text)[] segments)
    {
        var video = new Video(Guid.NewGuid(), name, $"videos/{Guid.NewGuid():N}.mp4", 1000, null, VideoSource.Upload, DateTimeOffset.UtcNow);
        await using var db = await _host.DbAsync();
        db.Videos.Add(video);
        for (var i = 0; i < segments.Length; i++)
        {
            db.TextSegments.Add(new TextSegment(video.Id, segments[i].Source, i * 10, i * 10 + 10, segments[i].Text));
        }

        await db.SaveChangesAsync();
        return video.Id;
    }

    private async Task<List<string>> TextsAsync(string query)
    {
        var texts = new List<string>();
        foreach (var match in await Index.SearchAsync(query, null, 10, CancellationToken.None))
        {
            texts.Add(await TextOfAsync(match.SegmentId));
        }

        return texts;
    }

    private async Task<string> TextOfAsync(long segmentId)
    {
        await using var db = await _host.DbAsync();
        return await db.TextSegments.Where(s => s.Id == segmentId).Select(s => s.Text).SingleAsync();
    }
}
