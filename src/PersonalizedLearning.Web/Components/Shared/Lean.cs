using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace PersonalizedLearning.Web.Components.Shared;

/// <summary>
/// Markup that looks like a MudBlazor component but is written into the calling component's own render tree, for
/// the many static icons of long lists. Every component instance costs a circuit its frame buffers and state (about
/// 3 KB even for a text or an icon); a fragment costs only its frames. Use a MudBlazor component where it does
/// something (input, popover, ripple, events); use these where it would only draw.
/// </summary>
public static class Lean
{
    /// <summary>A decorative Material icon, like <c>&lt;MudIcon Icon=… aria-hidden="true" /&gt;</c>.</summary>
    public static RenderFragment Icon(string svg, string? colorClass = null, string size = "medium") => builder => WriteIcon(builder, svg, colorClass, size);

    private static void WriteIcon(RenderTreeBuilder builder, string svg, string? colorClass, string size)
    {
        builder.OpenElement(0, "svg");
        builder.AddAttribute(1, "class", colorClass is null ? $"mud-icon-root mud-svg-icon mud-icon-size-{size}" : $"mud-icon-root mud-svg-icon mud-icon-size-{size} {colorClass}");
        builder.AddAttribute(2, "focusable", "false");
        builder.AddAttribute(3, "viewBox", "0 0 24 24");
        builder.AddAttribute(4, "aria-hidden", "true");
        builder.AddMarkupContent(5, svg);
        builder.CloseElement();
    }
}
