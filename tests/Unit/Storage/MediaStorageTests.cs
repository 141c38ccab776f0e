using Microsoft.Extensions.Options;
using VaasWeb.Processing.Storage;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.Storage;

[Trait("Category", "Fast")]
public sealed class MediaStorageTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly MediaStorage _storage;

    public MediaStorageTests()
    {
        _storage = new MediaStorage(Options.Create(new StorageOptions { DataDirectory = _temp.Combine("data") }));
        File.WriteAllText(Path.Combine(_storage.Root, "videos", "clip.mp4"), "x");
        File.WriteAllText(_temp.Combine("secret.txt"), "outside");
    }

    [Theory]
    [InlineData("videos/clip.mp4")]
    [InlineData("./videos/clip.mp4")]
    [InlineData("videos//clip.mp4")]
    public void ResolveExistingFile_RelativePathInsideRoot_ResolvesToTheFile(string clientPath)
    {
        Assert.Equal(Path.Combine(_storage.Root, "videos", "clip.mp4"), _storage.ResolveExistingFile(clientPath));
    }

    [Fact]
    public void ResolveExistingFile_AbsolutePathInsideRoot_IsAccepted()
    {
        var absolute = Path.Combine(_storage.Root, "videos", "clip.mp4");

        Assert.Equal(absolute, _storage.ResolveExistingFile(absolute));
    }

    [Theory]
    [InlineData("../secret.txt")]
    [InlineData("videos/../../secret.txt")]
    [InlineData("videos/../videos/clip.mp4")]
    [InlineData("..\\secret.txt")]
    public void ResolveExistingFile_DotDotSegments_AreRejected(string clientPath)
    {
        var e = Assert.Throws<MediaPathException>(() => _storage.ResolveExistingFile(clientPath));

        Assert.Equal(MediaPathProblem.Invalid, e.Problem);
        Assert.Contains("..", e.Message);
    }

    [Fact]
    public void ResolveExistingFile_AbsolutePathElsewhere_IsRejected()
    {
        var e = Assert.Throws<MediaPathException>(() => _storage.ResolveExistingFile(_temp.Combine("secret.txt")));

        Assert.Equal(MediaPathProblem.Invalid, e.Problem);
        Assert.Contains("inside the media root", e.Message);
    }

    [Fact]
    public void ResolveExistingFile_FileLinkLeadingOutOfTheRoot_IsRejected()
    {
        File.CreateSymbolicLink(Path.Combine(_storage.Root, "videos", "sneaky.mp4"), _temp.Combine("secret.txt"));

        var e = Assert.Throws<MediaPathException>(() => _storage.ResolveExistingFile("videos/sneaky.mp4"));

        Assert.Equal(MediaPathProblem.Invalid, e.Problem);
        Assert.Contains("link", e.Message);
    }

    [Fact]
    public void ResolveExistingFile_FolderLinkLeadingOutOfTheRoot_IsRejected()
    {
        Directory.CreateSymbolicLink(Path.Combine(_storage.Root, "elsewhere"), _temp.Path);

        var e = Assert.Throws<MediaPathException>(() => _storage.ResolveExistingFile("elsewhere/secret.txt"));

        Assert.Equal(MediaPathProblem.Invalid, e.Problem);
    }

    [Fact]
    public void ResolveExistingFile_LinkThatStaysInsideTheRoot_IsAccepted()
    {
        File.CreateSymbolicLink(Path.Combine(_storage.Root, "alias.mp4"), Path.Combine(_storage.Root, "videos", "clip.mp4"));

        Assert.Equal(Path.Combine(_storage.Root, "videos", "clip.mp4"), _storage.ResolveExistingFile("alias.mp4"));
    }

    [Fact]
    public void ResolveExistingFile_MissingFile_IsNotFound()
    {
        var e = Assert.Throws<MediaPathException>(() => _storage.ResolveExistingFile("videos/nope.mp4"));

        Assert.Equal(MediaPathProblem.NotFound, e.Problem);
        Assert.DoesNotContain(_storage.Root, e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("videos/clip.mp4\0.txt")]
    public void ResolveExistingFile_EmptyOrNul_IsRejected(string? clientPath)
    {
        Assert.Equal(MediaPathProblem.Invalid, Assert.Throws<MediaPathException>(() => _storage.ResolveExistingFile(clientPath)).Problem);
    }

    [Fact]
    public void ResolveExistingFile_UploadStillInProgress_IsRejected()
    {
        var partial = _storage.NewIncomingPath();
        File.WriteAllText(partial, "half");

        var e = Assert.Throws<MediaPathException>(() => _storage.ResolveExistingFile(_storage.ToRelative(partial)));

        Assert.Equal(MediaPathProblem.Invalid, e.Problem);
    }

    [Fact]
    public void MediaRoot_ThatIsItselfALink_StillContainsItsFiles()
    {
        var real = _temp.Combine("real-media");
        Directory.CreateDirectory(real);
        Directory.CreateSymbolicLink(_temp.Combine("media-link"), real);
        var storage = new MediaStorage(Options.Create(new StorageOptions { MediaRoot = _temp.Combine("media-link") }));
        File.WriteAllText(Path.Combine(real, "videos", "a.mp4"), "x");

        Assert.Equal(Path.Combine(real, "videos", "a.mp4"), storage.ResolveExistingFile("videos/a.mp4"));
    }

    [Fact]
    public void DeleteAbandonedIncoming_RemovesLeftoversButNotUploadsBeingWrittenNorResumableOnes()
    {
        var leftover = _storage.NewIncomingPath();
        var writing = _storage.NewIncomingPath();
        var resumable = Path.Combine(_storage.IncomingDirectory, "resumable", "0123456789abcdef0123456789abcdef.part");
        File.WriteAllText(leftover, "cut off by a crash");
        Directory.CreateDirectory(Path.GetDirectoryName(resumable)!);
        File.WriteAllText(resumable, "a client resumes this");
        using var writer = new FileStream(writing, FileMode.CreateNew, FileAccess.Write, FileShare.None);

        var deleted = _storage.DeleteAbandonedIncoming();

        Assert.Equal(1, deleted);
        Assert.False(File.Exists(leftover));
        Assert.True(File.Exists(writing));
        Assert.True(File.Exists(resumable));
    }

    public void Dispose() => _temp.Dispose();
}
