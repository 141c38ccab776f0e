using Microsoft.Extensions.DependencyInjection;
using VaasWeb.Processing.Tasks;
using VaasWeb.Processing.Accounts;
using VaasWeb.Processing.Settings;

namespace VaasWeb.Processing.Uploads;

public static class UploadsServiceCollectionExtensions
{
    /// <summary>Upload limits, resumable uploads, and the clean-up of what unfinished uploads leave behind.</summary>
    public static IServiceCollection AddUploads(this IServiceCollection services)
    {
        services.AddCheckedOptions<UploadOptions, UploadOptionsValidator>(UploadOptions.Section);
        services.AddSingleton<ResumableUploadStore>();
        services.AddHostedService<AbandonedUploadsCleanup>();
        services.AddRecurringJob<ExpiredUploadsJob>(ExpiredUploadsJob.Key, every: TimeSpan.FromMinutes(10), firstAfter: TimeSpan.FromMinutes(1));
        return services;
    }
}

internal sealed class UploadOptionsValidator() : OptionsValidator<UploadOptions>(UploadOptions.Section)
{
    protected override void Check(UploadOptions o, Rules rules)
    {
        rules.Require(o.MaxBytes > 0, nameof(o.MaxBytes), "must be a positive number of bytes", o.MaxBytes);
        rules.Require(o.MaxBytesByRole.All(r => Roles.IsKnown(Roles.All.FirstOrDefault(k => k.Equals(r.Key, StringComparison.OrdinalIgnoreCase))) && r.Value > 0),
            nameof(o.MaxBytesByRole), $"takes the roles {string.Join(", ", Roles.All)}, each with a positive number of bytes",
            string.Join(", ", o.MaxBytesByRole.Select(r => $"{r.Key}={r.Value}")));
        rules.Require(o.IncompleteExpiryHours is > 0 and <= 24 * 365, nameof(o.IncompleteExpiryHours), "must be between 0 and 8760", o.IncompleteExpiryHours);
        rules.Require(o.BrowserChunkBytes >= 0, nameof(o.BrowserChunkBytes), "must be 0 (one request per file) or a positive number of bytes", o.BrowserChunkBytes);
    }
}
