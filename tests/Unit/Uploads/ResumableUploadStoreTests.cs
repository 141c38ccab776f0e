using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using VaasWeb.Processing.Storage;
using VaasWeb.Processing.Uploads;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.Uploads;

[Trait("Category", "Fast")]
public sealed class ResumableUploadStoreTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
    private readonly ResumableUploadStore _store;

    public ResumableUploadStoreTests()
    {
        var storage = new MediaStorage(Options.Create(new StorageOptions { DataDirectory = _temp.Path }));
        _store = new ResumableUploadStore(storage, Options.Create(new UploadOptions { MaxBytes = 1000, IncompleteExpiryHours = 24 }), _clock,
            NullLogger<ResumableUploadStore>.Instance);
    }

    [Fact]
    public async Task Append_InPieces_KeepsTheBytesAndTheirHash()
    {
        var bytes = RandomNumberGenerator.GetBytes(900);
        var upload = _store.Create(bytes.Length, "a.mp4", "video/mp4");

        var first = await _store.AppendAsync(upload.Id, 0, new MemoryStream(bytes[..400]));
        var second = await _store.AppendAsync(upload.Id, 400, new MemoryStream(bytes[400..]));

        Assert.Equal((400, false), (first.Offset, first.IsComplete));
        Assert.Equal((900, true), (second.Offset, second.IsComplete));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(_store.PartPath(upload.Id)));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), await _store.Sha256Async(upload.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Sha256_AfterTheRunningHashWasLost_IsComputedFromTheFile()
    {
        var bytes = RandomNumberGenerator.GetBytes(300);
        var upload = _store.Create(bytes.Length, "a.mp4", null);
        await _store.AppendAsync(upload.Id, 0, new MemoryStream(bytes[..100]));
        // A restart (or another node) continues the upload without the hash of the first piece.
        var restarted = new ResumableUploadStore(
            new MediaStorage(Options.Create(new StorageOptions { DataDirectory = _temp.Path })),
            Options.Create(new UploadOptions { MaxBytes = 1000 }), _clock, NullLogger<ResumableUploadStore>.Instance);

        await restarted.AppendAsync(upload.Id, 100, new MemoryStream(bytes[100..]));

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), await restarted.Sha256Async(upload.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Append_AtTheWrongOffset_IsRefusedSayingWhereItStands()
    {
        var upload = _store.Create(100, "a.mp4", null);
        await _store.AppendAsync(upload.Id, 0, new MemoryStream(new byte[30]));

        var e = await Assert.ThrowsAsync<ResumableUploadException>(() => _store.AppendAsync(upload.Id, 20, new MemoryStream(new byte[5])));

        Assert.Equal((UploadProblem.OffsetMismatch, 30L), (e.Problem, e.CurrentOffset));
    }

    [Fact]
    public void Create_OverTheLimit_IsRefused()
    {
        Assert.Equal(UploadProblem.TooLarge, Assert.Throws<ResumableUploadException>(() => _store.Create(1001, "a.mp4", null)).Problem);
    }

    [Fact]
    public async Task Find_PastItsExpiry_IsGoneAndItsFilesAreDeleted()
    {
        var upload = _store.Create(100, "a.mp4", null);
        await _store.AppendAsync(upload.Id, 0, new MemoryStream(new byte[10]));
        _clock.Advance(TimeSpan.FromHours(23));
        Assert.NotNull(_store.Find(upload.Id));

        _clock.Advance(TimeSpan.FromHours(2));

        Assert.Equal(UploadProblem.Expired, Assert.Throws<ResumableUploadException>(() => _store.Find(upload.Id)).Problem);
        Assert.Empty(Directory.EnumerateFiles(_store.Folder));
    }

    [Fact]
    public async Task Append_MovesTheExpiryOn()
    {
        var upload = _store.Create(100, "a.mp4", null);
        _clock.Advance(TimeSpan.FromHours(20));

        await _store.AppendAsync(upload.Id, 0, new MemoryStream(new byte[10]));
        _clock.Advance(TimeSpan.FromHours(20));

        Assert.Equal(10, _store.Find(upload.Id)!.Offset);
    }

    [Fact]
    public async Task DeleteExpired_RemovesOnlyUploadsPastTheirExpiry()
    {
        var old = _store.Create(100, "old.mp4", null);
        _clock.Advance(TimeSpan.FromHours(20));
        var recent = _store.Create(100, "recent.mp4", null);
        await _store.AppendAsync(recent.Id, 0, new MemoryStream(new byte[5]));
        _clock.Advance(TimeSpan.FromHours(5));

        Assert.Equal(1, _store.DeleteExpired());

        Assert.False(File.Exists(_store.PartPath(old.Id)));
        Assert.NotNull(_store.Find(recent.Id));
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("ABCDEF")]
    [InlineData("0123456789abcdef0123456789abcdef/..")]
    public void Find_IdThatIsNotOurs_IsNotFound(string id)
    {
        Assert.Null(_store.Find(id));
    }

    public void Dispose() => _temp.Dispose();
}
