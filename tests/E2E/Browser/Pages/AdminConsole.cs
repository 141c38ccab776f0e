using Microsoft.Playwright;

namespace VaasWeb.Tests.E2E.Browser.Pages;

/// <summary>The admin console as an admin uses it: find failed tasks, read why, run them again, read the audit log.</summary>
public sealed class AdminConsole(IPage page)
{
    public IPage Page => page;

    public async Task OpenAsync()
    {
        await page.GotoAsync("/admin");
        await Assertions.Expect(page.GetByTestId("circuit")).ToHaveAttributeAsync("data-live", "true");
    }

    public Task ShowTabAsync(string name) => page.GetByRole(AriaRole.Tab, new() { Name = name }).ClickAsync();

    public ILocator Row(string taskId) => page.Locator($"[data-testid=admin-task][data-task-id='{taskId}']");

    public Task<string> ReasonAsync(string taskId) => Row(taskId).GetByTestId("admin-task-reason").InnerTextAsync();

    public Task<string> ErrorCodeAsync(string taskId) => Row(taskId).GetByTestId("admin-task-code").InnerTextAsync();

    public Task RerunAsync(string taskId) => Row(taskId).GetByTestId("admin-rerun").ClickAsync();

    public ILocator AuditEntries(string action) => page.Locator($"[data-testid=audit-entry][data-action='{action}']");
}
