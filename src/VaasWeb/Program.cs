using Microsoft.Extensions.Options;
using VaasWeb;

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddVaasWeb();

    var app = builder.Build();
    app.UseVaasWeb();
    app.MapVaasWeb();
    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException e)
{
    await Console.Error.WriteLineAsync("VaasWeb cannot start, a setting is wrong:");
    foreach (var failure in e.Failures)
    {
        await Console.Error.WriteLineAsync($"  - {failure}");
    }

    return 1;
}
catch (InvalidOperationException e) when (e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
{
    await Console.Error.WriteLineAsync($"VaasWeb cannot start, a setting is wrong: {e.Message}");
    return 1;
}

/// <summary>The entry point, visible to the test host.</summary>
public partial class Program;
