using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using VaasWeb.Processing.Data;

namespace VaasWeb.Processing.Accounts;

/// <summary>A key as its owner sees it once, right after making it.</summary>
public sealed record NewApiKey(ApiKey Key, string Secret);

/// <summary>Makes, checks and revokes API keys. A key reads <c>vaas_{prefix}_{secret}</c>.</summary>
public sealed class ApiKeyService(IDbContextFactory<VaasDbContext> dbFactory, AuditTrail audit, TimeProvider clock)
{
    public const string HeaderName = "X-Api-Key";
    private const string Scheme = "vaas";
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    public const string NameRule = "Give the key a name of 1 to 100 characters, such as the script that will use it.";

    public static bool IsValidName(string? name) => name?.Trim().Length is > 0 and <= 100;

    public async Task<NewApiKey> CreateAsync(Actor owner, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner.UserId);
        if (!IsValidName(name))
        {
            throw new ArgumentException(NameRule, nameof(name));
        }

        name = name.Trim();

        var prefix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = $"{Scheme}_{prefix}_{System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32))}";
        var key = new ApiKey(owner.UserId, name, prefix, Hash(secret), clock.GetUtcNow());
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.ApiKeys.Add(key);
        audit.Add(db, owner, AuditActions.ApiKeyCreate, "api_key", key.Id.ToString(), $"{name} ({prefix})");
        await db.SaveChangesAsync(cancellationToken);
        return new NewApiKey(key, secret);
    }

    /// <summary>The live key that <paramref name="presented"/> is, or null (unknown, malformed or revoked).</summary>
    public async Task<ApiKey?> FindAsync(string? presented, CancellationToken cancellationToken)
    {
        if (!TryReadPrefix(presented, out var prefix))
        {
            return null;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Prefix == prefix, cancellationToken);
        if (key is null || key.IsRevoked || !CryptographicOperations.FixedTimeEquals(key.Hash, Hash(presented!)))
        {
            return null;
        }

        var now = clock.GetUtcNow();
        if (key.LastUsedAt is null || now - key.LastUsedAt >= LastUsedResolution)
        {
            key.LastUsedAt = now;
            await db.SaveChangesAsync(cancellationToken);
        }

        return key;
    }

    public async Task<IReadOnlyList<ApiKey>> ListAsync(string userId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ApiKeys.AsNoTracking().Where(k => k.UserId == userId).OrderByDescending(k => k.CreatedAt).ToListAsync(cancellationToken);
    }

    /// <summary>Revokes one of <paramref name="by"/>'s keys (any key when <paramref name="asAdmin"/>); false when there is none to revoke.</summary>
    public async Task<bool> RevokeAsync(Guid keyId, Actor by, bool asAdmin, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == keyId && (asAdmin || k.UserId == by.UserId), cancellationToken);
        if (key is null || !key.Revoke(clock.GetUtcNow()))
        {
            return false;
        }

        audit.Add(db, by, AuditActions.ApiKeyRevoke, "api_key", key.Id.ToString(), $"{key.Name} ({key.Prefix})");
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    internal static byte[] Hash(string presented) => SHA256.HashData(Encoding.UTF8.GetBytes(presented));

    private static bool TryReadPrefix(string? presented, out string prefix)
    {
        prefix = "";
        var parts = presented?.Split('_', 3);
        if (parts is not [Scheme, { Length: 12 } p, { Length: > 0 }])
        {
            return false;
        }

        prefix = p;
        return true;
    }
}
