using System.Net;
using System.Text.RegularExpressions;

namespace VaasWeb.Tests.E2E.Support;

/// <summary>Signs in the way a browser does: the form, its antiforgery token, the cookie.</summary>
public static partial class SignInForm
{
    /// <summary>Posts the sign-in form; true when it let the user in (a redirect to the page asked for, not back to the form).</summary>
    public static async Task<bool> TrySignInAsync(HttpClient http, string email, string password)
    {
        var form = await http.GetStringAsync("/account/login");
        var token = Token().Match(form).Groups[1].Value;
        var response = await http.PostAsync("/account/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["email"] = email,
            ["password"] = password,
            ["returnUrl"] = "/",
        }));
        return response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.ToString() == "/";
    }

    /// <summary>A client that keeps cookies and does not follow redirects, as the sign-in checks need.</summary>
    public static HttpClient Client(Uri baseAddress) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() }) { BaseAddress = baseAddress };

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
