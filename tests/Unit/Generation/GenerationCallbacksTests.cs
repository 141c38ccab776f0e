using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Generation;
using VaasWeb.Processing.Generation.MiniMax;

namespace VaasWeb.Tests.Unit.Generation;

[Trait("Category", "Fast")]
public sealed class GenerationCallbacksTests
{
    private static readonly IDataProtectionProvider Keys = new EphemeralDataProtectionProvider();

    [Fact]
    public void UrlFor_CallbacksOff_NoUrl() =>
        Assert.Null(Callbacks(null).UrlFor(Guid.NewGuid()));

    [Fact]
    public void UrlFor_UnderTheBase_NamesTheTask_AndItsTokenIsGenuineForThatTaskAlone()
    {
        var callbacks = Callbacks("https://vaas.example.com/");
        var task = Guid.NewGuid();

        var url = new Uri(callbacks.UrlFor(task)!);

        Assert.Equal($"https://vaas.example.com/api/minimax/callback/{task:N}", url.GetLeftPart(UriPartial.Path));
        var token = Uri.UnescapeDataString(url.Query["?token=".Length..]);
        Assert.True(callbacks.IsGenuine(task, token));
        Assert.False(callbacks.IsGenuine(Guid.NewGuid(), token));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("made-up")]
    public void IsGenuine_MissingOrForgedToken_False(string? token) =>
        Assert.False(Callbacks("https://vaas.example.com").IsGenuine(Guid.NewGuid(), token));

    [Fact]
    public void IsGenuine_TokenMadeWithOtherKeys_False()
    {
        var task = Guid.NewGuid();
        var elsewhere = new Uri(new GenerationCallbacks(new EphemeralDataProtectionProvider(), Options.Create(new MiniMaxOptions { CallbackBaseUrl = "https://other.example" })).UrlFor(task)!);

        Assert.False(Callbacks("https://vaas.example.com").IsGenuine(task, Uri.UnescapeDataString(elsewhere.Query["?token=".Length..])));
    }

    [Theory]
    [InlineData("https://vaas.example.com", true)]
    [InlineData("http://10.0.0.5:8080/vaas", true)]
    [InlineData("vaas.example.com", false)]
    [InlineData("ftp://vaas.example.com", false)]
    [InlineData("https://vaas.example.com/?a=1", false)]
    public void IsUsableBase_AbsoluteHttpWithoutQuery(string value, bool usable) =>
        Assert.Equal(usable, GenerationCallbacks.IsUsableBase(value));

    private static GenerationCallbacks Callbacks(string? baseUrl) => new(Keys, Options.Create(new MiniMaxOptions { CallbackBaseUrl = baseUrl }));
}
