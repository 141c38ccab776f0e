using Bunit;
using VaasWeb.Components.Layout;
using VaasWeb.Components.Pages.TaskBoard;
using VaasWeb.Processing.Accounts;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.Components;

/// <summary>What each role is offered; the server checks again on every action, this is what people see.</summary>
[Trait("Category", "Fast")]
public class RoleVisibilityTests : ComponentTestContext
{
    [Theory]
    [InlineData(Roles.Viewer, new[] { "Task board", "Videos", "Search", "API keys", "Webhooks", "REST API" })]
    [InlineData(Roles.Uploader, new[] { "Task board", "Videos", "Generate", "Search", "API keys", "Webhooks", "REST API" })]
    [InlineData(Roles.Admin, new[] { "Task board", "Videos", "Generate", "Search", "API keys", "Webhooks", "Admin", "Stats", "REST API" })]
    public void NavMenu_ShowsWhatTheRoleMayOpen(string role, string[] expected)
    {
        SignInAs(role);

        var menu = Render<NavMenu>();

        Assert.Equal(expected, menu.FindAll("a").Select(a => a.TextContent.Trim()));
    }

    [Theory]
    [InlineData(Roles.Viewer, false)]
    [InlineData(Roles.Uploader, true)]
    [InlineData(Roles.Admin, true)]
    public void Board_OffersUploadsOnlyToUploadersAndAdmins(string role, bool offered)
    {
        SignInAs(role);

        var board = Render<TaskBoard>();

        Assert.Equal(offered, board.FindAll("[data-testid=upload-drop]").Count == 1);
        Assert.Single(board.FindAll("[data-testid=empty-board]"));
    }
}
