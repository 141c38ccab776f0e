using Microsoft.Extensions.DependencyInjection;
using VaasWeb.Processing.Settings;

namespace VaasWeb.Processing.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Where the database and the media live, and the one class that turns media paths into files.</summary>
    public static IServiceCollection AddStorage(this IServiceCollection services)
    {
        services.AddCheckedOptions<StorageOptions, StorageOptionsValidator>(StorageOptions.Section);
        services.AddSingleton<MediaStorage>();
        services.AddSingleton<DiskSpace>();
        return services;
    }
}

internal sealed class StorageOptionsValidator() : OptionsValidator<StorageOptions>(StorageOptions.Section)
{
    protected override void Check(StorageOptions o, Rules rules)
    {
        rules.Require(!string.IsNullOrWhiteSpace(o.DataDirectory), nameof(o.DataDirectory), "must name a folder");
        rules.Require(o.MinFreeBytes >= 0, nameof(o.MinFreeBytes), "must be 0 (no guard) or a positive number of bytes", o.MinFreeBytes);
        rules.Require(o.WarnFreeBytes is null or >= 0, nameof(o.WarnFreeBytes), "must be a positive number of bytes", o.WarnFreeBytes);
        rules.Require(o.BusyTimeoutMilliseconds is >= 0 and <= 600_000, nameof(o.BusyTimeoutMilliseconds), "must be between 0 and 600000", o.BusyTimeoutMilliseconds);
    }
}
