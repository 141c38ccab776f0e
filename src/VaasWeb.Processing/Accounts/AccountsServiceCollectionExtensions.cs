using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using VaasWeb.Processing.Data;

namespace VaasWeb.Processing.Accounts;

public static class AccountsServiceCollectionExtensions
{
    /// <summary>Identity's stores on the VaasWeb database, API keys and the audit log. The host adds sign-in on top.</summary>
    public static IServiceCollection AddVaasAccounts(this IServiceCollection services)
    {
        services.AddIdentityCore<IdentityUser>(options =>
            {
                options.User.RequireUniqueEmail = true;
                // Length over composition rules (NIST SP 800-63B); generated passwords are 20 characters.
                options.Password.RequiredLength = 10;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<VaasDbContext>();
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<ApiKeyService>();
        services.AddSingleton<UserAdministration>();
        return services;
    }
}
