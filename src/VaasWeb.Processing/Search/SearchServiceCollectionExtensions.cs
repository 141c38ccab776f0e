using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Data;

namespace VaasWeb.Processing.Search;

public static class SearchServiceCollectionExtensions
{
    /// <summary>
    /// The text index of the configured database behind <see cref="ITextIndex"/> (SQLite FTS5, or PostgreSQL's text
    /// search), search by words and picture, and questions.
    /// </summary>
    public static IServiceCollection AddSearch(this IServiceCollection services)
    {
        services.AddSingleton<SqliteTextIndex>();
        services.AddSingleton<PostgresTextIndex>();
        services.AddSingleton<ITextIndex>(provider => provider.GetRequiredService<IOptions<DatabaseOptions>>().Value.IsPostgres
            ? provider.GetRequiredService<PostgresTextIndex>()
            : provider.GetRequiredService<SqliteTextIndex>());
        services.AddSingleton<VectorIndex>();
        services.AddTransient<SearchService>();
        services.AddTransient<VideoQuestions>();
        return services;
    }
}
