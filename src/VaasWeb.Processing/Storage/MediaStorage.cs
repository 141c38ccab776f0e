using System.Globalization;
using Microsoft.Extensions.Options;

namespace VaasWeb.Processing.Storage;

/// <summary>
/// The media root and the layout below it. Every path VaasWeb writes is chosen here from ids; every path a
/// client names is resolved here and must stay inside the root, symbolic links included.
/// </summary>
public sealed class MediaStorage
{
    private const string IncomingFolder = ".incoming";
    private const string VideosFolder = "videos";
    private const string DerivedFolder = "derived";
    private const string ClipsFolder = "clips";
    private const string GenerationsFolder = "generations";

    public MediaStorage(IOptions<StorageOptions> options)
    {
        var root = options.Value.ResolvedMediaRoot;
        Directory.CreateDirectory(root);
        // Compare against the real path: a media root that is itself a symlink must still contain its files.
        Root = RealPath(root);
        Directory.CreateDirectory(Path.Combine(Root, IncomingFolder));
        Directory.CreateDirectory(Path.Combine(Root, VideosFolder));
        Directory.CreateDirectory(Path.Combine(Root, DerivedFolder));
        Directory.CreateDirectory(Path.Combine(Root, GenerationsFolder));
    }

    public string Root { get; }

    public string IncomingDirectory => Path.Combine(Root, IncomingFolder);

    /// <summary>A fresh temporary file name for an upload in progress (same file system, so the final move is atomic).</summary>
    public string NewIncomingPath() => Path.Combine(IncomingDirectory, $"{Guid.NewGuid():N}.part");

    public string VideoRelativePath(Guid videoId, string extension) => $"{VideosFolder}/{videoId:N}{extension}";

    /// <summary>The video whose stored file this is (<c>videos/{id}.ext</c>), or null for any other file.</summary>
    public static Guid? VideoIdOf(string relativePath) =>
        relativePath.StartsWith(VideosFolder + "/", StringComparison.Ordinal) && relativePath.IndexOf('/', VideosFolder.Length + 1) < 0
        && Guid.TryParseExact(Path.GetFileNameWithoutExtension(relativePath), "N", out var id) ? id : null;

    /// <summary>Where a video's derived files (frames, audio chunks, thumbnail) live.</summary>
    public string DerivedRelativeDirectory(Guid videoId) => $"{DerivedFolder}/{videoId:N}";

    /// <summary>A generation's inputs (the first frame as sent) and its narration audio.</summary>
    public string GenerationRelativeDirectory(Guid taskId) => $"{GenerationsFolder}/{taskId:N}";

    /// <summary>The folders whose files are all VaasWeb's own and may be served as they are.</summary>
    public static readonly IReadOnlyList<string> ServedFolders = [VideosFolder + "/", DerivedFolder + "/", ClipsFolder + "/", GenerationsFolder + "/"];

    public string ToAbsolute(string relativePath) =>
        Path.Combine(Root, relativePath.Replace('/', Path.DirectorySeparatorChar));

    public string ToRelative(string absolutePath) =>
        Path.GetRelativePath(Root, absolutePath).Replace(Path.DirectorySeparatorChar, '/');

    /// <summary>
    /// Resolves a client-supplied path (relative to the root, or absolute) to an existing file inside the root.
    /// Rejects <c>..</c> segments, absolute paths elsewhere, and links that lead out of the root.
    /// </summary>
    public string ResolveExistingFile(string? clientPath)
    {
        if (string.IsNullOrWhiteSpace(clientPath))
        {
            throw new MediaPathException(MediaPathProblem.Invalid, "video_path is required.");
        }

        if (clientPath.Contains('\0'))
        {
            throw new MediaPathException(MediaPathProblem.Invalid, "video_path contains a NUL character.");
        }

        var segments = clientPath.Split('/', '\\');
        if (segments.Contains(".."))
        {
            throw new MediaPathException(MediaPathProblem.Invalid, "video_path must not contain '..' segments.");
        }

        var full = Path.GetFullPath(Path.IsPathRooted(clientPath) ? clientPath : Path.Combine(Root, clientPath));
        if (!IsInsideRoot(full))
        {
            throw new MediaPathException(MediaPathProblem.Invalid, "video_path must be inside the media root.");
        }

        if (!File.Exists(full))
        {
            throw new MediaPathException(MediaPathProblem.NotFound, $"No file at '{ToRelative(full)}' in the media root.");
        }

        var real = RealPath(full);
        if (!IsInsideRoot(real))
        {
            throw new MediaPathException(MediaPathProblem.Invalid, "video_path is a link that leads outside the media root.");
        }

        if (ToRelative(real).StartsWith(IncomingFolder + "/", StringComparison.Ordinal))
        {
            throw new MediaPathException(MediaPathProblem.Invalid, "video_path names an upload that is still in progress.");
        }

        return real;
    }

    public bool IsInsideRoot(string absolutePath)
    {
        var rootWithSeparator = Root.EndsWith(Path.DirectorySeparatorChar) ? Root : Root + Path.DirectorySeparatorChar;
        return absolutePath.StartsWith(rootWithSeparator, StringComparison.Ordinal);
    }

    public string ClipRelativePath(Guid videoId, double startSeconds, double endSeconds) =>
        string.Create(CultureInfo.InvariantCulture, $"{ClipsFolder}/{videoId:N}/{startSeconds:0.000}-{endSeconds:0.000}.mp4");

    /// <summary>Deletes clips last served longer ago than <paramref name="olderThan"/>; returns how many.</summary>
    public int DeleteOldClips(TimeSpan olderThan, DateTimeOffset now)
    {
        var folder = Path.Combine(Root, ClipsFolder);
        if (!Directory.Exists(folder))
        {
            return 0;
        }

        var deleted = 0;
        foreach (var file in new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            if (now - file.LastWriteTimeUtc > olderThan)
            {
                file.Delete();
                deleted++;
            }
        }

        return deleted;
    }

    /// <summary>Removes a video's file, its derived files and its clips; what is missing is already gone.</summary>
    public void DeleteVideo(Guid videoId, string storedRelativePath)
    {
        var file = ToAbsolute(storedRelativePath);
        if (File.Exists(file))
        {
            File.Delete(file);
        }

        DeleteDerived(videoId);
        var clips = Path.Combine(Root, ClipsFolder, videoId.ToString("N"));
        if (Directory.Exists(clips))
        {
            Directory.Delete(clips, recursive: true);
        }
    }

    /// <summary>Removes a generation's folder (its first frame as sent, its narration audio); a missing one is already gone.</summary>
    public void DeleteGeneration(Guid taskId)
    {
        var directory = ToAbsolute(GenerationRelativeDirectory(taskId));
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Removes a video's derived files; a missing folder is already clean.</summary>
    public void DeleteDerived(Guid videoId)
    {
        var directory = ToAbsolute(DerivedRelativeDirectory(videoId));
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// Deletes the multipart uploads (and other incoming files) that no process is writing: what a server that
    /// stopped in the middle left behind. A writer holds its file exclusively (a lock that holds across processes,
    /// so another node sharing the media root keeps its uploads). Resumable uploads, in their own folder, are kept.
    /// </summary>
    public int DeleteAbandonedIncoming()
    {
        var deleted = 0;
        foreach (var file in new DirectoryInfo(IncomingDirectory).EnumerateFiles())
        {
            try
            {
                using (new FileStream(file.FullName, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                {
                }

                file.Delete();
                deleted++;
            }
            catch (IOException)
            {
                // Someone is still writing it.
            }
        }

        return deleted;
    }

    /// <summary>The path with every symbolic link along it resolved, like realpath(3).</summary>
    internal static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full)!;
        var current = root;
        foreach (var segment in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, segment);
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (info.LinkTarget is not null)
            {
                // The final target may itself sit below other links.
                current = RealPath(info.ResolveLinkTarget(returnFinalTarget: true)!.FullName);
            }
        }

        return current;
    }
}
