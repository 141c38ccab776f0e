using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace VaasWeb;

/// <summary>A wrong setting, said as a sentence that names it, instead of the host's stack trace.</summary>
internal static partial class SettingErrors
{
    /// <summary>
    /// Binds and checks every validated setting now, before the host starts: the host would log a failure to start
    /// with its stack trace before the caller could say which setting was wrong.
    /// </summary>
    public static void ValidateSettings(this IServiceProvider services) => services.GetService<IStartupValidator>()?.Validate();

    /// <summary>What is wrong with the settings, for the console; null when <paramref name="e"/> is not about a setting.</summary>
    public static string? Describe(Exception e)
    {
        // Several sections wrong at once come as one AggregateException.
        var failures = (e is AggregateException many ? many.InnerExceptions : [e]).Select(Failures).ToArray();
        return failures.All(f => f is not null)
            ? "VaasWeb cannot start, a setting is wrong:\n" + string.Join("\n", failures.SelectMany(f => f!).Select(f => $"  - {f}"))
            : null;
    }

    private static IEnumerable<string>? Failures(Exception e) => e switch
    {
        OptionsValidationException invalid => invalid.Failures,
        VaasWeb.Processing.Cluster.ClusterConfigurationException cluster => [cluster.Message],
        InvalidOperationException when ConversionFailure().Match(e.Message) is { Success: true } match =>
            [$"{match.Groups["key"].Value} must be {Kind(match.Groups["type"].Value)}, not '{match.Groups["value"].Value}'."],
        _ => null,
    };

    private static string Kind(string type) => type switch
    {
        "System.Int32" or "System.Int64" => "a whole number",
        "System.Double" or "System.Single" or "System.Decimal" => "a number",
        "System.Boolean" => "true or false",
        "System.TimeSpan" => "a time such as 00:05:00",
        _ when AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(type)).FirstOrDefault(t => t is { IsEnum: true }) is { } enumType =>
            $"one of {string.Join(", ", Enum.GetNames(enumType))}",
        _ => $"a {type.Split('.')[^1]}",
    };

    [GeneratedRegex("^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']*)' to type '(?<type>[^']*)'")]
    private static partial Regex ConversionFailure();
}
