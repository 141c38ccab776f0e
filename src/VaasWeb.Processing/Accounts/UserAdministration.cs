using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VaasWeb.Processing.Data;

namespace VaasWeb.Processing.Accounts;

/// <summary>An account as the admin console lists it.</summary>
public sealed record UserSummary(string Id, string Email, string Role, bool Disabled, int ActiveApiKeys);

/// <summary>The admins there are once <see cref="UserAdministration.EnsureFirstAdminAsync"/> ran; the password when it generated one.</summary>
public sealed record FirstAdminResult(IReadOnlyList<string> Admins, bool Created, string? GeneratedPassword);

/// <summary>The outcome of an account change: done, or the reasons it was refused (Identity's own words).</summary>
public sealed record AccountResult(bool Succeeded, IReadOnlyList<string> Errors)
{
    public static readonly AccountResult Ok = new(true, []);

    public static AccountResult Refused(params string[] errors) => new(false, errors);

    public static AccountResult Of(IdentityResult result) =>
        result.Succeeded ? Ok : new(false, result.Errors.Select(e => e.Description).ToArray());
}

/// <summary>
/// What admins do to accounts: create, give a role, disable, set a password. Each call runs in a scope of its own
/// (UserManager holds a DbContext, which must not live as long as a circuit) and is written to the audit log.
/// </summary>
public sealed class UserAdministration(IServiceScopeFactory scopes, AuditTrail audit)
{
    public async Task<IReadOnlyList<UserSummary>> ListAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VaasDbContext>();
        var users = await db.Users.AsNoTracking().OrderBy(u => u.Email).ToListAsync(cancellationToken);
        var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id select new { ur.UserId, r.Name })
            .ToListAsync(cancellationToken);
        var keys = await db.ApiKeys.Where(k => k.RevokedAt == null).GroupBy(k => k.UserId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(k => k.Key, k => k.Count, cancellationToken);
        return users.Select(u => new UserSummary(
                u.Id,
                u.Email ?? u.UserName ?? u.Id,
                HighestRole(roles.Where(r => r.UserId == u.Id).Select(r => r.Name)),
                IsDisabled(u),
                keys.GetValueOrDefault(u.Id)))
            .ToList();
    }

    /// <summary>The account with this e-mail (user name), or null.</summary>
    public async Task<UserSummary?> FindAsync(string email, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var user = await users.FindByEmailAsync(email.Trim()) ?? await users.FindByNameAsync(email.Trim());
        if (user is null)
        {
            return null;
        }

        var keys = await scope.ServiceProvider.GetRequiredService<VaasDbContext>().ApiKeys
            .CountAsync(k => k.UserId == user.Id && k.RevokedAt == null, cancellationToken);
        return new UserSummary(user.Id, user.Email ?? user.UserName ?? user.Id, HighestRole(await users.GetRolesAsync(user)), IsDisabled(user), keys);
    }

    public async Task<AccountResult> CreateAsync(string email, string password, string role, Actor by)
    {
        if (UnknownRole(role) is { } unknown)
        {
            return unknown;
        }

        await using (var scope = scopes.CreateAsyncScope())
        {
            await EnsureRolesAsync(scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>());
        }

        return await AsAdminAsync(by, AuditActions.UserCreate, async users =>
        {
            var user = new IdentityUser { UserName = email.Trim(), Email = email.Trim(), EmailConfirmed = true };
            var created = await users.CreateAsync(user, password);
            var result = created.Succeeded ? await users.AddToRoleAsync(user, role) : created;
            return (AccountResult.Of(result), user, $"{user.Email} as {role}");
        });
    }

    public Task<AccountResult> SetRoleAsync(string userId, string role, Actor by) =>
        ChangeAsync(userId, by, async (users, user) =>
        {
            if (UnknownRole(role) is { } unknown)
            {
                return unknown;
            }

            var current = await users.GetRolesAsync(user);
            if (current.Contains(Roles.Admin) && role != Roles.Admin && await IsLastAdminAsync(users, user))
            {
                return AccountResult.Refused("This is the only admin; make another admin first.");
            }

            var removed = await users.RemoveFromRolesAsync(user, current);
            var result = removed.Succeeded ? await users.AddToRoleAsync(user, role) : removed;
            // Open sessions pick the new role up at their next check (a minute at most).
            await users.UpdateSecurityStampAsync(user);
            return AccountResult.Of(result);
        }, AuditActions.UserRole, role);

    /// <summary>Disables an account: it can no longer sign in, its sessions end within a minute and its API keys stop working.</summary>
    public Task<AccountResult> DisableAsync(string userId, Actor by) =>
        ChangeAsync(userId, by, async (users, user) =>
        {
            if (user.Id == by.UserId)
            {
                return AccountResult.Refused("You cannot disable your own account.");
            }

            if ((await users.GetRolesAsync(user)).Contains(Roles.Admin) && await IsLastAdminAsync(users, user))
            {
                return AccountResult.Refused("This is the only admin; make another admin first.");
            }

            await users.SetLockoutEnabledAsync(user, true);
            var result = await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue);
            await users.UpdateSecurityStampAsync(user);
            return AccountResult.Of(result);
        }, AuditActions.UserLock);

    public Task<AccountResult> EnableAsync(string userId, Actor by) =>
        ChangeAsync(userId, by, async (users, user) =>
        {
            var result = await users.SetLockoutEndDateAsync(user, null);
            await users.ResetAccessFailedCountAsync(user);
            return AccountResult.Of(result);
        }, AuditActions.UserUnlock);

    /// <summary>A new password; it also ends a lockout after wrong passwords (not a disabled account).</summary>
    public Task<AccountResult> SetPasswordAsync(string userId, string password, Actor by) =>
        ChangeAsync(userId, by, async (users, user) =>
        {
            var result = await ReplacePasswordAsync(users, user, password);
            if (result.Succeeded && !IsDisabled(user))
            {
                await users.ResetAccessFailedCountAsync(user);
                result = await users.SetLockoutEndDateAsync(user, null);
            }

            return AccountResult.Of(result);
        }, AuditActions.UserPassword);

    /// <summary>
    /// Makes sure the roles exist and that there is an admin: the configured one, or else one with a generated
    /// password that the caller shows once. Says what it found or made.
    /// </summary>
    public async Task<FirstAdminResult> EnsureFirstAdminAsync(string? email, string? password)
    {
        // Nodes of a cluster starting together race to make the roles and the first admin: the one that loses hits a
        // unique index, and on a second look finds what the winner made.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryEnsureFirstAdminAsync(email, password);
            }
            catch (Exception e) when (e is Microsoft.EntityFrameworkCore.DbUpdateException or InvalidOperationException && attempt < 3)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
            }
        }
    }

    private async Task<FirstAdminResult> TryEnsureFirstAdminAsync(string? email, string? password)
    {
        await using var scope = scopes.CreateAsyncScope();
        await EnsureRolesAsync(scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>());
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var admins = await users.GetUsersInRoleAsync(Roles.Admin);
        if (admins.Count > 0)
        {
            return new FirstAdminResult(admins.Select(a => a.Email ?? a.UserName ?? a.Id).Order(StringComparer.Ordinal).ToArray(), Created: false, null);
        }

        var generated = string.IsNullOrEmpty(password);
        email = string.IsNullOrWhiteSpace(email) ? "admin@localhost" : email.Trim();
        password = generated ? GeneratePassword() : password!;
        var user = await users.FindByEmailAsync(email);
        if (user is null)
        {
            user = new IdentityUser { UserName = email, Email = email, EmailConfirmed = true };
            Require(await users.CreateAsync(user, password), $"create the first admin {email} (Admin:Password)");
        }
        else if (generated || !await users.CheckPasswordAsync(user, password))
        {
            Require(await ReplacePasswordAsync(users, user, password), "set the first admin's password (Admin:Password)");
        }

        Require(await users.AddToRoleAsync(user, Roles.Admin), $"make {email} an admin");
        await audit.RecordAsync(Actor.System, AuditActions.UserCreate, "user", user.Id, $"{email} as {Roles.Admin} (first admin{(generated ? ", generated password" : ", from configuration")})");
        return new FirstAdminResult([email], Created: true, generated ? password : null);
    }

    private static async Task EnsureRolesAsync(RoleManager<IdentityRole> roles)
    {
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                Require(await roles.CreateAsync(new IdentityRole(role)), $"create the role {role}");
            }
        }
    }

    /// <summary>
    /// Disabled by an admin (locked until the end of time), as opposed to locked for a few minutes after wrong
    /// passwords: that only stops password sign-in, so nobody can shut out someone's scripts or sessions by guessing.
    /// </summary>
    public static bool IsDisabled(IdentityUser user) => user.LockoutEnd > DateTimeOffset.UtcNow.AddYears(100);

    public static string GeneratePassword() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(15));

    private Task<AccountResult> ChangeAsync(
        string userId, Actor by, Func<UserManager<IdentityUser>, IdentityUser, Task<AccountResult>> change, string action, string? detail = null) =>
        AsAdminAsync(by, action, async users =>
        {
            var user = await users.FindByIdAsync(userId);
            return user is null
                ? (AccountResult.Refused("There is no such account."), null, null)
                : (await change(users, user), user, detail is null ? user.Email : $"{user.Email}: {detail}");
        });

    /// <summary>
    /// Runs an account change for <paramref name="by"/> in one transaction with its audit entry: a role change is a
    /// removal and an addition, a new account a user and a role, and two admins demoting each other at once must
    /// not both pass the last-admin check. Anything refused is rolled back.
    /// </summary>
    private async Task<AccountResult> AsAdminAsync(
        Actor by, string action, Func<UserManager<IdentityUser>, Task<(AccountResult Result, IdentityUser? User, string? Detail)>> change)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        if (await RefuseUnlessAdminAsync(users, by) is { } refused)
        {
            return refused;
        }

        var db = scope.ServiceProvider.GetRequiredService<VaasDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var (result, user, detail) = await change(users);
        if (!result.Succeeded || user is null)
        {
            return result;
        }

        audit.Add(db, by, action, "user", user.Id, detail);
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        return result;
    }

    private static AccountResult? UnknownRole(string role) =>
        Roles.IsKnown(role) ? null : AccountResult.Refused($"Role must be one of {string.Join(", ", Roles.All)}.");

    /// <summary>Checks the new password against the rules first, so a refused one leaves the old one in place.</summary>
    private static async Task<IdentityResult> ReplacePasswordAsync(UserManager<IdentityUser> users, IdentityUser user, string password)
    {
        foreach (var validator in users.PasswordValidators)
        {
            var valid = await validator.ValidateAsync(users, user, password);
            if (!valid.Succeeded)
            {
                return valid;
            }
        }

        user.PasswordHash = users.PasswordHasher.HashPassword(user, password);
        await users.UpdateSecurityStampAsync(user);
        return await users.UpdateAsync(user);
    }

    /// <summary>
    /// Who asks must be an enabled admin now, not only when their page opened (a page keeps its sign-in for up to
    /// a minute). The app itself and the server's command line (<see cref="Actor.IsServerSide"/>) may.
    /// </summary>
    private static async Task<AccountResult?> RefuseUnlessAdminAsync(UserManager<IdentityUser> users, Actor by)
    {
        if (by.IsServerSide)
        {
            return null;
        }

        var caller = by.UserId is null ? null : await users.FindByIdAsync(by.UserId);
        return caller is not null && !IsDisabled(caller) && await users.IsInRoleAsync(caller, Roles.Admin)
            ? null
            : AccountResult.Refused("Only an enabled admin can change accounts.");
    }

    private static async Task<bool> IsLastAdminAsync(UserManager<IdentityUser> users, IdentityUser user)
    {
        return !(await users.GetUsersInRoleAsync(Roles.Admin)).Any(u => u.Id != user.Id && !IsDisabled(u));
    }

    private static string HighestRole(IEnumerable<string?> held) =>
        Roles.All.FirstOrDefault(r => held.Contains(r)) ?? "none";

    private static void Require(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Could not {what}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }
}
