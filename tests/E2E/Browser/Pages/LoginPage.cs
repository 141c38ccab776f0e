using Microsoft.Playwright;

namespace VaasWeb.Tests.E2E.Browser.Pages;

/// <summary>The sign-in form.</summary>
public sealed class LoginPage(IPage page)
{
    public async Task OpenAsync(string returnUrl = "/") =>
        await page.GotoAsync($"/account/login?returnUrl={Uri.EscapeDataString(returnUrl)}");

    /// <summary>Signs in and waits until the page it leads to is live.</summary>
    public async Task SignInAsync(string email, string password, string returnUrl = "/")
    {
        await OpenAsync(returnUrl);
        await SubmitAsync(email, password);
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToContainTextAsync(email);
    }

    public async Task SubmitAsync(string email, string password)
    {
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    public ILocator Error => page.GetByTestId("login-error");
}
