using System.Globalization;
using Microsoft.Extensions.Options;

namespace MiniMax.Emulator.Requests;

/// <summary>
/// One request as <c>GET /control/requests</c> shows it. <see cref="Status"/> is null while the answer is still
/// being made (a slow fault), 0 when the connection was dropped without an answer.
/// </summary>
public sealed record RequestLogEntry(
    string At,
    string Method,
    string Path,
    string? Endpoint,
    string? TaskId,
    string? FileId,
    int? Status,
    string? Fault,
    bool Authorized);

/// <summary>A request being answered; the log changes it under its lock as the answer takes shape.</summary>
public sealed class RequestRecord
{
    internal RequestRecord(RequestLogEntry entry)
    {
        Entry = entry;
    }

    internal RequestLogEntry Entry { get; set; }
}

/// <summary>
/// Every request received on /v1 and /files, oldest first, up to a capacity. A plain lock is enough: even 1,000 tasks
/// polled every 5 s is a few hundred short critical sections a second.
/// </summary>
public sealed class RequestLog(IOptions<EmulatorOptions> options, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Queue<RequestRecord> _records = new();
    private readonly int _capacity = Math.Max(1, options.Value.RequestLogCapacity);

    public RequestRecord Start(string method, string path, string? endpoint, string? taskId, string? fileId, bool authorized, string? fault)
    {
        var at = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var record = new RequestRecord(new RequestLogEntry(at, method, path, endpoint, taskId, fileId, null, fault, authorized));
        lock (_lock)
        {
            _records.Enqueue(record);
            while (_records.Count > _capacity)
            {
                _records.Dequeue();
            }
        }

        return record;
    }

    /// <summary>Adds ids that only the endpoint knows (the task id a submit created, the file id in a body).</summary>
    public void Tag(RequestRecord record, string? taskId, string? fileId)
    {
        lock (_lock)
        {
            record.Entry = record.Entry with { TaskId = taskId ?? record.Entry.TaskId, FileId = fileId ?? record.Entry.FileId };
        }
    }

    /// <summary>Records the status unless one already is: a dropped request's 0 must not become the status Kestrel starts with.</summary>
    public void CompleteIfOpen(RequestRecord record, int status)
    {
        lock (_lock)
        {
            if (record.Entry.Status is null)
            {
                record.Entry = record.Entry with { Status = status };
            }
        }
    }

    public RequestLogEntry Complete(RequestRecord record, int status)
    {
        lock (_lock)
        {
            record.Entry = record.Entry with { Status = status };
            return record.Entry;
        }
    }

    public IReadOnlyList<RequestLogEntry> Entries(string? endpoint = null, string? taskId = null)
    {
        lock (_lock)
        {
            return [.. _records
                .Select(record => record.Entry)
                .Where(entry => (endpoint is null || entry.Endpoint == endpoint) && (taskId is null || entry.TaskId == taskId))];
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _records.Clear();
        }
    }
}
