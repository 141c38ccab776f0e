using VaasWeb.Processing.Accounts;

namespace VaasWeb.Tests.Unit.Support;

public static class TestActors
{
    /// <summary>A person by name, with an account id made from it and a loopback address.</summary>
    public static Actor Named(string name) => new($"user-{name}", name, "127.0.0.1");
}
