using MudBlazor;

namespace VaasWeb.Components.Layout;

/// <summary>
/// One look and feel for every page, light and dark. The state colours are darker (light) or lighter (dark) than
/// MudBlazor's defaults so that a chip's label and a red failure reason read at 4.5:1 or better (WCAG AA).
/// </summary>
internal static class VaasTheme
{
    private const string Black = "rgba(0,0,0,0.87)";

    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#3f51b5",
            Secondary = "#00695c",
            AppbarBackground = "#283593",
            Info = "#1565c0",
            Success = "#2e7d32",
            Warning = "#a84b00",
            Error = "#c62828",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#aab8ff",
            PrimaryContrastText = Black,
            // MudBlazor's defaults (50 % white secondary text, 20 % white stripes) fall under 4.5:1.
            TextSecondary = "rgba(255,255,255,0.62)",
            TableStriped = "rgba(255,255,255,0.03)",
            TableHover = "rgba(255,255,255,0.06)",
            Secondary = "#4db6ac",
            SecondaryContrastText = Black,
            // Alerts write their text in the "darken" shade, which on a dark page must be the lighter one.
            Info = "#90caf9",
            InfoContrastText = Black,
            InfoDarken = "#a9d6fb",
            Success = "#81c784",
            SuccessContrastText = Black,
            SuccessDarken = "#9dd5a0",
            Warning = "#ffb74d",
            WarningContrastText = Black,
            WarningDarken = "#ffc878",
            Error = "#ff8a80",
            ErrorContrastText = Black,
            ErrorDarken = "#ffa8a0",
        },
    };
}
