using System.Text.Json;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using VaasWeb.Api;
using VaasWeb.Processing;
using VaasWeb.Processing.Accounts;
using VaasWeb.Processing.Intelligence;
using VaasWeb.Processing.Data;

namespace VaasWeb.Security;

/// <summary>
/// <c>admin …</c>: accounts and API keys from the server's command line, on the same data directory and settings
/// as the app, with or without it running (SQLite WAL). Each command prints only its result on stdout (one line);
/// a refusal exits 1 with a sentence on stderr, a wrong command line exits 2 with the usage.
/// </summary>
internal static class AdminCommandLine
{
    private const string Word = "admin";

    private sealed record Command(string Name, string[] Options, string Usage, Func<Services, IReadOnlyDictionary<string, string>, Task<string>> RunAsync);

    /// <summary>A command that cannot be carried out; the message says why, for stderr.</summary>
    private sealed class Refused(string message) : Exception(message);

    private static readonly Command[] Commands =
    [
        new("create-key", ["--user", "--name"], "--user EMAIL --name NAME\n      a new API key that acts as that user, with their role; prints the key", CreateKeyAsync),
        new("list-keys", ["--user"], "--user EMAIL\n      the user's keys (never the keys themselves) as one line of JSON", ListKeysAsync),
        new("revoke-key", ["--id"], "--id ID\n      stops a key at once; prints its id", RevokeKeyAsync),
        new("create-user", ["--email", "--role"], "--email EMAIL --role Viewer|Uploader|Admin\n      a new account; prints its generated password", CreateUserAsync),
        new("reset-password", ["--user"], "--user EMAIL\n      a new generated password, which also ends a lockout; prints it", ResetPasswordAsync),
        new("check-embeddings", [], "\n      embeds two sentences with the configured embedder (the built-in MiniLM unless an endpoint is set);\n      prints its name, the dimensions, the time and how alike they are, as one line of JSON", CheckEmbeddingsAsync),
    ];

    private static readonly JsonSerializerOptions Json = WireJson();

    /// <summary>True when the arguments are an admin command: the word <c>admin</c>, after any <c>--Setting value</c> pairs.</summary>
    public static bool IsCommand(string[] args) => IndexOfWord(args) >= 0;

    public static async Task<int> RunAsync(string[] args)
    {
        if (!TryParse(args, out var command, out var options, out var settings, out var problem))
        {
            await Console.Error.WriteLineAsync(problem);
            await Console.Error.WriteLineAsync(Usage());
            return 2;
        }

        if (command is null)
        {
            await Console.Out.WriteLineAsync(Usage());
            return 0;
        }

        try
        {
            await using var services = await Services.OpenAsync(settings);
            await Console.Out.WriteLineAsync(await command.RunAsync(services, options));
            return 0;
        }
        catch (Refused e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }
        catch (Exception e) when (SettingErrors.Describe(e) is { } wrong)
        {
            await Console.Error.WriteLineAsync(wrong);
            return 1;
        }
    }

    private static async Task<string> CreateKeyAsync(Services services, IReadOnlyDictionary<string, string> options)
    {
        var user = await services.FindEnabledUserAsync(options["--user"]);
        if (!ApiKeyService.IsValidName(options["--name"]))
        {
            throw new Refused(ApiKeyService.NameRule);
        }

        return (await services.Keys.CreateAsync(new Actor(user.Id, user.Email, "command line"), options["--name"], CancellationToken.None)).Secret;
    }

    private static async Task<string> ListKeysAsync(Services services, IReadOnlyDictionary<string, string> options)
    {
        var user = await services.FindUserAsync(options["--user"]);
        var keys = await services.Keys.ListAsync(user.Id, CancellationToken.None);
        return JsonSerializer.Serialize(keys.Select(ApiKeyResponse.Of), Json);
    }

    private static async Task<string> RevokeKeyAsync(Services services, IReadOnlyDictionary<string, string> options)
    {
        if (!Guid.TryParse(options["--id"], out var id))
        {
            throw new Refused($"'{options["--id"]}' is not a key id; list-keys --user EMAIL shows them.");
        }

        return await services.Keys.RevokeAsync(id, Actor.CommandLine, asAdmin: true, CancellationToken.None)
            ? id.ToString()
            : throw new Refused($"There is no API key {id} that is still valid (unknown, or revoked already); list-keys --user EMAIL shows them.");
    }

    private static async Task<string> CreateUserAsync(Services services, IReadOnlyDictionary<string, string> options)
    {
        var role = Roles.All.FirstOrDefault(r => r.Equals(options["--role"], StringComparison.OrdinalIgnoreCase))
            ?? throw new Refused($"There is no role '{options["--role"]}'; the roles are {string.Join(", ", Roles.All)}.");
        var password = UserAdministration.GeneratePassword();
        var created = await services.Accounts.CreateAsync(options["--email"], password, role, Actor.CommandLine);
        return created.Succeeded ? password : throw new Refused($"{options["--email"]} was not created: {string.Join(" ", created.Errors)}");
    }

    /// <summary>What an operator runs to see that search by meaning works here: offline, the built-in model needs nothing else.</summary>
    private static async Task<string> CheckEmbeddingsAsync(Services services, IReadOnlyDictionary<string, string> options)
    {
        var settings = services.Intelligence.Embeddings;
        if (!settings.IsOn)
        {
            throw new Refused("Ranking by meaning is off (Intelligence:Embeddings:Provider is None).");
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        IReadOnlyList<float[]> vectors;
        try
        {
            vectors = await services.Embedder.EmbedAsync(["A paper boat drifts down a rain-filled gutter.", "a small boat in rainwater"], CancellationToken.None);
        }
        catch (ProviderException e)
        {
            throw new Refused(e.Message);
        }

        var took = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        var alike = Processing.Search.VectorIndex.Dot(vectors[0], vectors[1])
                    / Math.Sqrt(Processing.Search.VectorIndex.Dot(vectors[0], vectors[0]) * Processing.Search.VectorIndex.Dot(vectors[1], vectors[1]));
        var provider = settings.Resolved == EmbeddingsProvider.OpenAi ? $"{settings.Endpoint} ({settings.Model})" : MiniLmEmbedder.Name;
        return JsonSerializer.Serialize(new { provider, dimensions = vectors[0].Length, milliseconds = Math.Round(took.TotalMilliseconds), similarity = Math.Round(alike, 3) }, Json);
    }

    private static async Task<string> ResetPasswordAsync(Services services, IReadOnlyDictionary<string, string> options)
    {
        var user = await services.FindUserAsync(options["--user"]);
        var password = UserAdministration.GeneratePassword();
        var changed = await services.Accounts.SetPasswordAsync(user.Id, password, Actor.CommandLine);
        return changed.Succeeded ? password : throw new Refused($"The password of {user.Email} was not changed: {string.Join(" ", changed.Errors)}");
    }

    /// <summary>
    /// Splits the arguments into the command, its options and the app's settings (<c>--Storage:DataDirectory x</c>,
    /// before or after the command). A command of null means "show the usage".
    /// </summary>
    private static bool TryParse(string[] args, out Command? command, out Dictionary<string, string> options, out List<string> settings, out string problem)
    {
        (command, options, settings, problem) = (null, new Dictionary<string, string>(StringComparer.Ordinal), [], "");
        var word = IndexOfWord(args);
        settings.AddRange(args[..word]);
        var name = word + 1 < args.Length ? args[word + 1] : "help";
        if (name is "help" or "--help" or "-h")
        {
            return true;
        }

        command = Commands.FirstOrDefault(c => c.Name == name);
        if (command is null)
        {
            problem = $"There is no admin command '{name}'.";
            return false;
        }

        for (var i = word + 2; i < args.Length; i += 2)
        {
            var (key, value) = SplitOption(args, i);
            if (key.Contains(':'))
            {
                settings.AddRange([key, value ?? ""]);
            }
            else if (!command.Options.Contains(key))
            {
                problem = $"{command.Name} takes {string.Join(" and ", command.Options)}, not {key}.";
                return false;
            }
            else if (value is null)
            {
                problem = $"{key} needs a value.";
                return false;
            }
            else
            {
                options[key] = value;
            }

            i -= key.Length == args[i].Length ? 0 : 1;
        }

        var given = options;
        if (command.Options.FirstOrDefault(o => !given.ContainsKey(o)) is { } missing)
        {
            problem = $"{command.Name} needs {missing}.";
            return false;
        }

        return true;
    }

    /// <summary><c>--key value</c> or <c>--key=value</c> at <paramref name="i"/>; the value is null when there is none.</summary>
    private static (string Key, string? Value) SplitOption(string[] args, int i)
    {
        var arg = args[i];
        if (arg.IndexOf('=') is > 0 and var equals)
        {
            return (arg[..equals], arg[(equals + 1)..]);
        }

        return (arg, i + 1 < args.Length ? args[i + 1] : null);
    }

    private static int IndexOfWord(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == Word)
            {
                return i;
            }

            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                return -1;
            }

            // A "--Setting value" pair; "--Setting=value" is one argument.
            i += args[i].Contains('=') ? 0 : 1;
        }

        return -1;
    }

    private static string Usage() =>
        "Usage: ./run.sh admin COMMAND [options] [--Storage:DataDirectory DIR …]\n" +
        string.Join("\n", Commands.Select(c => $"  {c.Name} {c.Usage}"));

    private static JsonSerializerOptions WireJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        HostingExtensions.ConfigureWireFormat(options);
        return options;
    }

    /// <summary>The app's accounts and keys on its data directory, with its settings; nothing is started.</summary>
    private sealed class Services(WebApplication app) : IAsyncDisposable
    {
        public UserAdministration Accounts => app.Services.GetRequiredService<UserAdministration>();

        public ApiKeyService Keys => app.Services.GetRequiredService<ApiKeyService>();

        public IEmbedder Embedder => app.Services.GetRequiredService<IEmbedder>();

        public IntelligenceOptions Intelligence => app.Services.GetRequiredService<IOptions<IntelligenceOptions>>().Value;

        public static async Task<Services> OpenAsync(List<string> settings)
        {
            var builder = WebApplication.CreateBuilder(settings.ToArray());
            // Only the command's result goes to stdout; the app's own warnings go to stderr.
            builder.Logging.ClearProviders();
            builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            builder.Logging.AddFilter<ConsoleLoggerProvider>(null, LogLevel.Warning);
            builder.Services.AddVaasProcessing(builder.Configuration);
            builder.Services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section);
            var app = builder.Build();
            try
            {
                app.Services.ValidateSettings();
                // The state the server would bring the data directory to: its schema, and a first admin.
                await ActivatorUtilities.CreateInstance<DatabaseMigrator>(app.Services).StartAsync(CancellationToken.None);
                await FirstAdmin.EnsureAsync(app.Services.GetRequiredService<UserAdministration>(), app.Services.GetRequiredService<IOptions<AdminOptions>>().Value, Console.Error);
                return new Services(app);
            }
            catch
            {
                await app.DisposeAsync();
                throw;
            }
        }

        public async Task<UserSummary> FindUserAsync(string email) =>
            await Accounts.FindAsync(email, CancellationToken.None)
            ?? throw new Refused($"There is no account {email}; create-user --email {email} --role Viewer|Uploader|Admin makes one.");

        public async Task<UserSummary> FindEnabledUserAsync(string email)
        {
            var user = await FindUserAsync(email);
            return user.Disabled ? throw new Refused($"{user.Email} is disabled; an admin enables it under Admin → Users first.") : user;
        }

        public ValueTask DisposeAsync() => app.DisposeAsync();
    }
}
