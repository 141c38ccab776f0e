namespace VaasWeb.Processing.Accounts;

/// <summary>One thing a person did: who, what, to which task or video, when, from where. Never changed once written.</summary>
public sealed class AuditEntry
{
    private AuditEntry()
    {
    }

    public AuditEntry(DateTimeOffset at, string? userId, string actor, string? address, string action, string? targetKind, string? targetId, string? detail)
    {
        At = at;
        UserId = userId;
        // What a stranger typed into the sign-in form is recorded too: never more than the column holds.
        Actor = actor.Length > 256 ? actor[..255] + "…" : actor;
        Address = address;
        Action = action;
        TargetKind = targetKind;
        TargetId = targetId;
        Detail = detail is { Length: > 1000 } ? detail[..999] + "…" : detail;
    }

    public long Id { get; private set; }
    public DateTimeOffset At { get; private set; }
    public string? UserId { get; private set; }

    /// <summary>The user name at the time (or "anonymous"), kept even when the account is deleted later.</summary>
    public string Actor { get; private set; } = "";

    /// <summary>The client's IP address.</summary>
    public string? Address { get; private set; }

    /// <summary>A dotted name such as <c>task.rerun</c> or <c>user.create</c>; see <see cref="AuditActions"/>.</summary>
    public string Action { get; private set; } = "";

    public string? TargetKind { get; private set; }
    public string? TargetId { get; private set; }
    public string? Detail { get; private set; }
}

public static class AuditActions
{
    public const string SignIn = "account.sign_in";
    public const string SignInFailed = "account.sign_in_failed";
    public const string SignOut = "account.sign_out";
    public const string ApiKeyCreate = "api_key.create";
    public const string ApiKeyRevoke = "api_key.revoke";
    public const string UserCreate = "user.create";
    public const string UserRole = "user.role";
    public const string UserLock = "user.lock";
    public const string UserUnlock = "user.unlock";
    public const string UserPassword = "user.password";
    public const string VideoUpload = "video.upload";
    public const string VideoProcess = "video.process";
    public const string VideoDelete = "video.delete";
    public const string GenerationCreate = "generation.create";
    public const string TaskCancel = "task.cancel";
    public const string TaskRerun = "task.rerun";
    public const string WebhookCreate = "webhook.create";
    public const string WebhookDelete = "webhook.delete";
    public const string Retention = "retention.run";

    public static readonly IReadOnlyList<string> All =
    [
        SignIn, SignInFailed, SignOut, ApiKeyCreate, ApiKeyRevoke, UserCreate, UserRole, UserLock, UserUnlock, UserPassword,
        VideoUpload, VideoProcess, VideoDelete, GenerationCreate, TaskCancel, TaskRerun, WebhookCreate, WebhookDelete, Retention,
    ];
}
