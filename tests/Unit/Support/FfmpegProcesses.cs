namespace VaasWeb.Tests.Unit.Support;

/// <summary>Finds running ffmpeg processes by something in their command line, straight from /proc.</summary>
public static class FfmpegProcesses
{
    public static IReadOnlyList<int> Matching(string fragment)
    {
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                var state = File.ReadAllText(Path.Combine(directory, "stat")).Split(' ')[2];
                if (state != "Z" && commandLine.Contains("ffmpeg", StringComparison.Ordinal) && commandLine.Contains(fragment, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }

        return found;
    }
}
