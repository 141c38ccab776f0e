using Microsoft.Data.Sqlite;
using Npgsql;

namespace VaasWeb.Processing.Storage;

public static class DiskFull
{
    private const int NoSpaceLeftOnDevice = 28; // ENOSPC
    private const int DiskFullWindows = unchecked((int)0x80070070);
    private const int SqliteFull = 13; // SQLITE_FULL: "database or disk is full"
    private const string PostgresDiskFull = "53100"; // disk_full: the database server's disk

    /// <summary>
    /// True for a write that failed because the disk is full (a file, or the database, perhaps wrapped by EF Core):
    /// the server's problem, not the client's.
    /// </summary>
    public static bool Is(Exception e)
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            if (current is IOException { HResult: NoSpaceLeftOnDevice or DiskFullWindows } or SqliteException { SqliteErrorCode: SqliteFull }
                or PostgresException { SqlState: PostgresDiskFull })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>What a task or a client is told when the disk is full.</summary>
    public const string Sentence = "The disk holding VaasWeb's data is full; free space on the server (or move Storage:DataDirectory) and try again.";
}
