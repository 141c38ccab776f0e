using System.Diagnostics;

namespace VaasWeb.Tests.E2E.Support;

/// <summary>
/// A small tmpfs of its own (the tests run as root, as CI does), to be a data directory that fills up for real:
/// writes fail with ENOSPC exactly as on a full disk. Unmounted on dispose.
/// </summary>
public sealed class SmallDisk : IDisposable
{
    private static readonly Lazy<string?> MountProblem = new(FindMountProblem);
    private readonly string _filler;

    public SmallDisk(string path, int megabytes)
    {
        Path = path;
        Directory.CreateDirectory(path);
        Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", path);
        _filler = System.IO.Path.Combine(path, "filler.bin");
    }

    /// <summary>Why a tmpfs cannot be mounted here (not root, no mount command), or null when it can.</summary>
    public static string? CannotMount => MountProblem.Value;

    public string Path { get; }

    public long FreeBytes => new DriveInfo(Path).AvailableFreeSpace;

    /// <summary>Takes up all the space but <paramref name="leaveFreeBytes"/> with a file of real (not sparse) bytes.</summary>
    public void Fill(long leaveFreeBytes)
    {
        var block = new byte[64 * 1024];
        Random.Shared.NextBytes(block);
        using var file = new FileStream(_filler, FileMode.Append, FileAccess.Write);
        for (var remaining = FreeBytes - leaveFreeBytes; remaining > 0; remaining -= block.Length)
        {
            file.Write(block, 0, (int)Math.Min(block.Length, remaining));
        }
    }

    /// <summary>Gives back the space <see cref="Fill"/> took.</summary>
    public void Free() => File.Delete(_filler);

    public void Dispose()
    {
        // Lazily: a process of the test host that still holds a file open must not keep the mount.
        Run("umount", "-l", Path);
    }

    private static string? FindMountProblem()
    {
        var probe = Directory.CreateTempSubdirectory("vaasweb-tmpfs-probe-").FullName;
        try
        {
            new SmallDisk(probe, 1).Dispose();
            return null;
        }
        catch (Exception e)
        {
            return $"Skipped: this test needs a small tmpfs as its data directory, and mounting one failed ({e.Message}). Run the tests as root (CI does).";
        }
        finally
        {
            Directory.Delete(probe);
        }
    }

    private static void Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} failed: {errors.Trim()}");
        }
    }
}

/// <summary>A fact that needs <see cref="SmallDisk"/>: skipped, saying why, where a tmpfs cannot be mounted.</summary>
public sealed class SmallDiskFactAttribute : FactAttribute
{
    public SmallDiskFactAttribute()
    {
        if (SmallDisk.CannotMount is { } reason)
        {
            Skip = reason;
        }
    }
}
