using MudBlazor;

namespace PersonalizedLearning.Web.Components.Layout;

/// <summary>One theme for every page; colours chosen for WCAG AA contrast with white text.</summary>
public static class AppTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1f5f8b",
            Secondary = "#6a4c93",
            AppbarBackground = "#1f5f8b",
            Success = "#2e7d32",
            Warning = "#a35200",
            Info = "#0b6bcb",
            Error = "#c62828",
        },
    };
}
