using MudBlazor;

namespace VaasWeb.Components.Layout;

/// <summary>One look and feel for every page, light and dark.</summary>
internal static class VaasTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight { Primary = "#3f51b5", Secondary = "#00897b", AppbarBackground = "#283593" },
        PaletteDark = new PaletteDark { Primary = "#8c9eff", Secondary = "#4db6ac" },
    };
}
