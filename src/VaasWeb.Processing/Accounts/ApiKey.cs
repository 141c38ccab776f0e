namespace VaasWeb.Processing.Accounts;

/// <summary>
/// A key a user made for scripts. Only its SHA-256 is stored (the key is 256 random bits, so a slow hash adds
/// nothing); <see cref="Prefix"/> finds the row and is safe to show.
/// </summary>
public sealed class ApiKey
{
    private ApiKey()
    {
    }

    public ApiKey(string userId, string name, string prefix, byte[] hash, DateTimeOffset createdAt)
    {
        Id = Guid.NewGuid();
        UserId = userId;
        Name = name;
        Prefix = prefix;
        Hash = hash;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }
    public string UserId { get; private set; } = "";
    public string Name { get; private set; } = "";
    public string Prefix { get; private set; } = "";
    public byte[] Hash { get; private set; } = [];
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; private set; }

    public bool IsRevoked => RevokedAt is not null;

    public bool Revoke(DateTimeOffset now)
    {
        if (RevokedAt is not null)
        {
            return false;
        }

        RevokedAt = now;
        return true;
    }
}
