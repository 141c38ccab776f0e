namespace MiniMax.Emulator;

/// <summary>
/// Entry point for running the emulator on its own. A named class rather than top-level statements: .NET 10 makes a
/// top-level <c>Program</c> public, which would clash with VaasWeb's <c>Program</c> in the test projects that load both.
/// </summary>
public static class EmulatorProgram
{
    public static async Task Main(string[] args)
    {
        var app = EmulatorApp.Build(args);
        await app.RunAsync();
    }
}
