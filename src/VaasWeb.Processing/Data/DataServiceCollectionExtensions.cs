using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Settings;
using VaasWeb.Processing.Storage;

namespace VaasWeb.Processing.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>
    /// The one database (a context per operation) on the provider <c>Database:Provider</c> names, and its migration
    /// at start, before anything else runs. Everything asks for <see cref="VaasDbContext"/>; on PostgreSQL it is a
    /// <see cref="PostgresVaasDbContext"/>, so the PostgreSQL migrations apply.
    /// </summary>
    public static IServiceCollection AddVaasData(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCheckedOptions<DatabaseOptions, DatabaseOptionsValidator>(DatabaseOptions.Section)
            .Configure(options => options.ConnectionString = configuration.GetConnectionString("Vaas") is { Length: > 0 } configured ? configured : null)
            .PostConfigure<IOptions<StorageOptions>>((options, storage) =>
            {
                if (!options.IsPostgres && options.ConnectionString is null)
                {
                    options.ConnectionString = storage.Value.DefaultConnectionString;
                }
            });

        services.AddDbContextFactory<VaasDbContext>((provider, builder) =>
        {
            var storage = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
            Directory.CreateDirectory(storage.ResolvedDataDirectory);
            Quiet(builder
                .UseSqlite(provider.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString)
                .AddInterceptors(new SqlitePragmas(storage.BusyTimeoutMilliseconds))
                .AddInterceptors(provider.GetServices<ISaveChangesInterceptor>()));
        });
        services.AddDbContextFactory<PostgresVaasDbContext>((provider, builder) =>
            Quiet(builder.UseNpgsql(provider.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString)
                .AddInterceptors(provider.GetServices<ISaveChangesInterceptor>())));

        // The setting is read when the first context is made, after the settings were checked (not while services are
        // registered, before a test's or a command line's configuration has arrived).
        services.Replace(ServiceDescriptor.Singleton<IDbContextFactory<VaasDbContext>, ProviderDbContextFactory>());
        services.Replace(ServiceDescriptor.Scoped<VaasDbContext>(provider => provider.GetRequiredService<IDbContextFactory<VaasDbContext>>().CreateDbContext()));

        // Features that write alongside the app's saves (the webhook outbox) register an ISaveChangesInterceptor.
        // Hosted services start in registration order: the schema comes first.
        services.AddHostedService<DatabaseMigrator>();
        return services;
    }

    // EF Core logs every failed command as an error before the caller has decided what it means. Here the caller
    // decides: an expected race (two requests registering the same file, a unique index the other one won) is
    // handled and must not read as lost data, and anything unexpected still surfaces as the exception, which the
    // request pipeline or the job logs as an error.
    private static void Quiet(DbContextOptionsBuilder builder) =>
        builder.ConfigureWarnings(warnings => warnings.Log(
            (RelationalEventId.CommandError, LogLevel.Debug),
            (RelationalEventId.TransactionError, LogLevel.Debug),
            (CoreEventId.SaveChangesFailed, LogLevel.Debug)));

    /// <summary>A <see cref="VaasDbContext"/> of the configured provider; each provider's options are built on first use only.</summary>
    private sealed class ProviderDbContextFactory(IServiceProvider services, IOptions<DatabaseOptions> database) : IDbContextFactory<VaasDbContext>
    {
        public VaasDbContext CreateDbContext() => database.Value.IsPostgres
            ? new PostgresVaasDbContext(services.GetRequiredService<DbContextOptions<PostgresVaasDbContext>>())
            : new VaasDbContext(services.GetRequiredService<DbContextOptions<VaasDbContext>>());
    }
}
