using Microsoft.Extensions.DependencyInjection;

namespace VaasWeb.Processing.Search;

public static class SearchServiceCollectionExtensions
{
    /// <summary>The text index (SQLite FTS5 behind <see cref="ITextIndex"/>), search by words and picture, and questions.</summary>
    public static IServiceCollection AddSearch(this IServiceCollection services)
    {
        services.AddSingleton<ITextIndex, SqliteTextIndex>();
        services.AddTransient<SearchService>();
        services.AddTransient<VideoQuestions>();
        return services;
    }
}
