using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Storage;

namespace VaasWeb.Processing.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>The one database (a context per operation) and its migration at start, before anything else runs.</summary>
    public static IServiceCollection AddVaasData(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDbContextFactory<VaasDbContext>((provider, builder) =>
        {
            var storage = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
            Directory.CreateDirectory(storage.ResolvedDataDirectory);
            var connectionString = configuration.GetConnectionString("Vaas");
            builder
                .UseSqlite(string.IsNullOrWhiteSpace(connectionString) ? storage.DefaultConnectionString : connectionString)
                .AddInterceptors(new SqlitePragmas(storage.BusyTimeoutMilliseconds))
                // EF Core logs every failed command as an error before the caller has decided what it means. Here
                // the caller decides: an expected race (two requests registering the same file, a unique index the
                // other one won) is handled and must not read as lost data, and anything unexpected still surfaces
                // as the exception, which the request pipeline or the job logs as an error.
                .ConfigureWarnings(warnings => warnings.Log(
                    (RelationalEventId.CommandError, LogLevel.Debug),
                    (RelationalEventId.TransactionError, LogLevel.Debug),
                    (CoreEventId.SaveChangesFailed, LogLevel.Debug)));
        });

        // Hosted services start in registration order: the schema comes first.
        services.AddHostedService<DatabaseMigrator>();
        return services;
    }
}
