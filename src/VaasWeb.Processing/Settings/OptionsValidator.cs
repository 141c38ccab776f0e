using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace VaasWeb.Processing.Settings;

/// <summary>
/// The one way every feature checks its settings at start: each rule names the setting, says what it must be and
/// what it was ("Ingestion:MaxConcurrentJobs must be between 1 and 64 (got 0)."), and all broken rules are reported
/// together, so one start tells an operator everything to fix.
/// </summary>
public abstract class OptionsValidator<TOptions>(string section) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var rules = new Rules(section);
        Check(options, rules);
        return rules.Broken.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(rules.Broken);
    }

    /// <summary>Calls <see cref="Rules.Require"/> once per rule.</summary>
    protected abstract void Check(TOptions options, Rules rules);

    protected sealed class Rules(string section)
    {
        public List<string> Broken { get; } = [];

        /// <param name="setting">The setting's name within the section ("MaxConcurrentJobs", "Chat:Endpoint").</param>
        /// <param name="rule">What it must be, as the end of a sentence ("must be between 1 and 64").</param>
        /// <param name="value">What it was; left out of the sentence when null.</param>
        public void Require(bool ok, string setting, string rule, object? value = null)
        {
            if (!ok)
            {
                Broken.Add(value is null ? $"{section}:{setting} {rule}." : $"{section}:{setting} {rule} (got {value}).");
            }
        }

        /// <summary>A rule on a setting outside the section (<c>ConnectionStrings:Vaas</c>), named in full.</summary>
        public void RequireSetting(bool ok, string fullName, string rule)
        {
            if (!ok)
            {
                Broken.Add($"{fullName} {rule}.");
            }
        }
    }
}

public static class SettingsServiceCollectionExtensions
{
    /// <summary>Binds <typeparamref name="TOptions"/> to <paramref name="section"/> and checks it with <typeparamref name="TValidator"/> at start.</summary>
    public static OptionsBuilder<TOptions> AddCheckedOptions<TOptions, TValidator>(this IServiceCollection services, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        return services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
    }
}
