using VaasWeb;
using VaasWeb.Security;

if (AdminCommandLine.IsCommand(args))
{
    return await AdminCommandLine.RunAsync(args);
}

WebApplication app;
try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddVaasWeb();
    app = builder.Build();
    app.Services.ValidateSettings();
}
catch (Exception e) when (SettingErrors.Describe(e) is { } wrong)
{
    await Console.Error.WriteLineAsync(wrong);
    return 1;
}

await using (app)
{
    app.UseVaasWeb();
    app.MapVaasWeb();
    try
    {
        await app.StartAsync();
    }
    catch (Exception e) when (SettingErrors.Describe(e) is { } wrong)
    {
        // Found only once the services start (a media root that is not writable, a node name in use).
        await Console.Error.WriteLineAsync(wrong);
        return 1;
    }

    await app.LogStartupSummaryAsync();
    await app.WaitForShutdownAsync();
}

return 0;

/// <summary>The entry point, visible to the test host.</summary>
public partial class Program;
