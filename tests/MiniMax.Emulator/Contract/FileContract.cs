namespace MiniMax.Emulator.Contract;

/// <summary>A stored file; <c>file_id</c> is a number here although the query answer gives it as a string.</summary>
public sealed record FileObject(
    long FileId,
    long Bytes,
    long CreatedAt,
    string Filename,
    string Purpose,
    string? DownloadUrl);

public sealed record FileResponse(FileObject File, BaseResp BaseResp);
