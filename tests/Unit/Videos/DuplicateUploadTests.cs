using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Videos;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.Videos;

/// <summary>The same bytes uploaded twice, against real ffprobe and SQLite: found, held, kept or dropped by whom.</summary>
public sealed class DuplicateUploadTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private ProcessingHost _host = null!;
    private string _source = "";
    private string _sha256 = "";

    public async Task InitializeAsync()
    {
        _host = await ProcessingHost.StartAsync(_temp.Combine("data"), new Dictionary<string, string?> { ["Ingestion:AutoStart"] = "false" });
        _source = await TestMedia.VideoAsync(new VideoSpec(Seconds: 2));
        await using var stream = File.OpenRead(_source);
        _sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream));
    }

    [Fact]
    public async Task SecondUpload_OfTheSameBytes_NamesTheFirstAndIsHeldWithoutIngestion()
    {
        var first = await UploadAsync("harbour.mp4", "ana", holdDuplicates: true, autoStart: true);

        var second = await UploadAsync("harbour (1).mp4", "ana", holdDuplicates: true, autoStart: true);

        Assert.Null(first.DuplicateOf);
        Assert.NotNull(first.Task);
        Assert.Equal((first.Video.Id, "harbour.mp4"), (second.DuplicateOf!.Id, second.DuplicateOf.Name));
        Assert.Null(second.Task);
        await using var db = await _host.DbAsync();
        Assert.Equal(2, await db.Videos.CountAsync(v => v.Sha256 == _sha256));
        Assert.Equal("user-ana", (await db.Videos.SingleAsync(v => v.Id == second.Video.Id)).OwnerId);
    }

    [Fact]
    public async Task SecondUpload_NotHeld_IsQueuedAsUsual_AndStillSaysWhatItDuplicates()
    {
        var first = await UploadAsync("harbour.mp4", "ana", holdDuplicates: false, autoStart: false);

        var second = await UploadAsync("harbour.mp4", "ana", holdDuplicates: false, autoStart: true);

        Assert.Equal(first.Video.Id, second.DuplicateOf!.Id);
        Assert.NotNull(second.Task);
    }

    [Fact]
    public async Task DropCopy_ByItsUploader_DeletesItAndKeepsTheOriginal()
    {
        var original = await UploadAsync("harbour.mp4", "ana", holdDuplicates: true, autoStart: false);
        var copy = await UploadAsync("harbour.mp4", "ben", holdDuplicates: true, autoStart: false);

        var (outcome, _) = await _host.Get<VideoDeletion>().DeleteCopyAsync(copy.Video.Id, TestActors.Named("ben"), CancellationToken.None);

        Assert.Equal(DeleteVideoOutcome.Deleted, outcome);
        Assert.False(File.Exists(_host.Storage.ToAbsolute(copy.Video.StoredPath)));
        Assert.True(File.Exists(_host.Storage.ToAbsolute(original.Video.StoredPath)));
        await using var db = await _host.DbAsync();
        Assert.Equal([original.Video.Id], await db.Videos.Select(v => v.Id).ToListAsync());
    }

    [Fact]
    public async Task DropCopy_OfSomeoneElsesUpload_OrOfTheOnlyCopy_IsRefusedAndKeepsIt()
    {
        var original = await UploadAsync("harbour.mp4", "ana", holdDuplicates: true, autoStart: false);
        var deletion = _host.Get<VideoDeletion>();

        var (alone, aloneWhy) = await deletion.DeleteCopyAsync(original.Video.Id, TestActors.Named("ana"), CancellationToken.None);
        var copy = await UploadAsync("harbour.mp4", "ben", holdDuplicates: true, autoStart: false);
        var (other, otherWhy) = await deletion.DeleteCopyAsync(copy.Video.Id, TestActors.Named("ana"), CancellationToken.None);

        Assert.Equal((DeleteVideoOutcome.Refused, DeleteVideoOutcome.Refused), (alone, other));
        Assert.Contains("not a copy", aloneWhy);
        Assert.Contains("Only the person who uploaded this copy", otherWhy);
        await using var db = await _host.DbAsync();
        Assert.Equal(2, await db.Videos.CountAsync());
    }

    [Fact]
    public async Task NotAVideo_TheMessageNamesTheUsersFile_NotTheTemporaryOne()
    {
        var incoming = _host.Storage.NewIncomingPath();
        File.Copy(TestMedia.TextFile(_temp.Combine("notes.mp4")), incoming);

        var failure = await Assert.ThrowsAsync<Processing.Media.MediaException>(() =>
            _host.Get<VideoImporter>().ImportUploadAsync(incoming, "holiday notes.mp4", new FileInfo(incoming).Length, "x", autoStart: false, null, CancellationToken.None));

        Assert.DoesNotContain(Path.GetFileName(incoming), failure.Message);
        Assert.DoesNotContain(".part", failure.Message);
        Assert.Contains("holiday notes.mp4", failure.Message);
    }

    private async Task<ImportedVideo> UploadAsync(string name, string who, bool holdDuplicates, bool autoStart)
    {
        var incoming = _host.Storage.NewIncomingPath();
        File.Copy(_source, incoming);
        return await _host.Get<VideoImporter>().ImportUploadAsync(incoming, name, new FileInfo(incoming).Length, _sha256, autoStart, TestActors.Named(who),
            CancellationToken.None, holdDuplicates);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _temp.Dispose();
    }
}
