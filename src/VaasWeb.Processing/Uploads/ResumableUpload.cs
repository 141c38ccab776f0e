namespace VaasWeb.Processing.Uploads;

/// <summary>An upload in progress: how long it will be, how much has arrived, what it is called.</summary>
public sealed record ResumableUpload(
    string Id,
    long Length,
    long Offset,
    string FileName,
    string? FileType,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    string? OwnerId = null)
{
    public bool IsComplete => Offset == Length;

    /// <summary>Only the account that started an upload continues, inspects or abandons it (admins too).</summary>
    public bool MayBeUsedBy(string? userId, bool isAdmin) => isAdmin || OwnerId is null || OwnerId == userId;
}

public enum UploadProblem
{
    NotFound,
    Expired,
    TooLarge,
    OffsetMismatch,
    Locked,
    BeyondLength,
    NoSpace,
    Interrupted,

    /// <summary>A length of zero: nothing to upload.</summary>
    Empty,
}

/// <summary>Why the store refused an operation; the HTTP layer maps each problem to its status code.</summary>
public sealed class ResumableUploadException(UploadProblem problem, string message, long? currentOffset = null) : Exception(message)
{
    public UploadProblem Problem { get; } = problem;

    /// <summary>The offset the server holds (what is on its disk), for an offset mismatch or a failed append.</summary>
    public long? CurrentOffset { get; } = currentOffset;
}
