namespace VaasWeb.Processing.Storage;

public static class DiskFull
{
    private const int NoSpaceLeftOnDevice = 28; // ENOSPC
    private const int DiskFullWindows = unchecked((int)0x80070070);

    /// <summary>True for a write that failed because the disk is full: the server's problem, not the client's.</summary>
    public static bool Is(Exception e) => e is IOException { HResult: NoSpaceLeftOnDevice or DiskFullWindows };
}
