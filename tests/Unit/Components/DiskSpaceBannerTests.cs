using Bunit;
using VaasWeb.Components.Pages.TaskBoard;
using VaasWeb.Processing.Accounts;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.Components;

[Trait("Category", "Fast")]
public class DiskSpaceBannerTests : ComponentTestContext
{
    [Theory]
    [InlineData(Roles.Uploader)]
    [InlineData(Roles.Admin)]
    public void Board_BelowTheReserve_WarnsUploadersThatUploadsAreRefused(string role)
    {
        SignInAs(role);
        UseDiskReserve(long.MaxValue / 4);

        var board = Render<TaskBoard>();

        var banner = board.Find("[data-testid=disk-space-warning]");
        Assert.Contains("The server's disk is almost full", banner.TextContent);
        Assert.Contains("(Storage:MinFreeBytes)", banner.TextContent);
    }

    [Fact]
    public void Board_UnderTwiceTheReserve_SaysTheDiskIsRunningLow()
    {
        var free = new DriveInfo(Path.GetTempPath()).AvailableFreeSpace;
        UseDiskReserve(free * 2 / 3);

        var board = Render<TaskBoard>();

        Assert.Contains("running low", board.Find("[data-testid=disk-space-warning]").TextContent);
    }

    [Fact]
    public void Board_ForViewers_OrWithRoomToSpare_ShowsNoWarning()
    {
        UseDiskReserve(0);
        Assert.Empty(Render<TaskBoard>().FindAll("[data-testid=disk-space-warning]"));

        SignInAs(Roles.Viewer);
        UseDiskReserve(long.MaxValue / 4);
        Assert.Empty(Render<TaskBoard>().FindAll("[data-testid=disk-space-warning]"));
    }
}
