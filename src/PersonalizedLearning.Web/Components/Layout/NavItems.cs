using System.Security.Claims;
using Microsoft.AspNetCore.Components.Routing;
using MudBlazor;
using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Components.Layout;

/// <summary>A link of the main navigation: where it goes, its text key, its icon and how it matches the current page.</summary>
public sealed record NavItem(string Href, string TextKey, string Icon, NavLinkMatch Match);

/// <summary>The main navigation's links for a signed-in user, by role (the union over the user's roles).</summary>
public static class NavItems
{
    public static IReadOnlyList<NavItem> For(ClaimsPrincipal user)
    {
        var links = new List<NavItem>();
        foreach (var (role, home) in Roles.Homes.Where(h => user.IsInRole(h.Role)))
        {
            links.Add(new(home, $"Home.{role}", IconFor(role), NavLinkMatch.All));
        }
        if (user.IsInRole(Roles.Student))
        {
            links.Add(new("student/plan", "MyPlan", Icons.Material.Filled.Map, NavLinkMatch.Prefix));
            links.Add(new("student/profile", "MyProfile", Icons.Material.Filled.Face, NavLinkMatch.Prefix));
        }
        if (user.IsInRole(Roles.DistrictAdmin) || user.IsInRole(Roles.Principal))
        {
            links.Add(new("plan-templates", "PlanTemplates", Icons.Material.Filled.Description, NavLinkMatch.Prefix));
        }
        // Bulk evidence import
        if (user.IsInRole(Roles.Teacher) || user.IsInRole(Roles.DistrictAdmin))
        {
            links.Add(new("evidence/import", "Import.Nav", Icons.Material.Filled.UploadFile, NavLinkMatch.All));
        }
        // Family: messages and alerts
        if (user.IsInRole(Roles.Guardian) || user.IsInRole(Roles.Advisor))
        {
            links.Add(new("messages", "Messages.Title", Icons.Material.Filled.Chat, NavLinkMatch.Prefix));
        }
        links.Add(new("notifications", "Alerts.Title", Icons.Material.Filled.Notifications, NavLinkMatch.All));
        // Advisories
        if (user.IsInRole(Roles.Student))
        {
            links.Add(new("student/check-in", "CheckIn.Title", Icons.Material.Filled.EmojiEmotions, NavLinkMatch.All));
        }
        if (user.IsInRole(Roles.Advisor) || user.IsInRole(Roles.Teacher) || user.IsInRole(Roles.Principal))
        {
            links.Add(new("flags", "Flags.Title", Icons.Material.Filled.Flag, NavLinkMatch.All));
        }
        if (user.IsInRole(Roles.Principal))
        {
            links.Add(new("principal/advisories", "Coverage.Title", Icons.Material.Filled.GroupAdd, NavLinkMatch.All));
        }
        if (user.IsInRole(Roles.DistrictAdmin))
        {
            // District view (district)
            links.Add(new("district", "District.Nav", Icons.Material.Filled.Apartment, NavLinkMatch.Prefix));
            links.Add(new("admin/settings", "Settings.Title", Icons.Material.Filled.Tune, NavLinkMatch.All));
            links.Add(new("admin/calendar", "Calendar.Title", Icons.Material.Filled.EventBusy, NavLinkMatch.All));
            // Standards import (CASE) and mastery settings
            links.Add(new("admin/standards", "Case.Title", Icons.Material.Filled.AccountTree, NavLinkMatch.All));
            links.Add(new("admin/mastery", "MasterySettings.Title", Icons.Material.Filled.Leaderboard, NavLinkMatch.All));
            // OneRoster import
            links.Add(new("admin/roster", "Roster.Title", Icons.Material.Filled.CloudUpload, NavLinkMatch.All));
            // People and audit (principal-admin)
            links.Add(new("admin/people", "People.Title", Icons.Material.Filled.ManageAccounts, NavLinkMatch.All));
            links.Add(new("admin/audit", "Audit.Title", Icons.Material.Filled.FactCheck, NavLinkMatch.All));
        }
        return links;
    }

    private static string IconFor(string role) => role switch
    {
        Roles.Student => Icons.Material.Filled.School,
        Roles.Teacher => Icons.Material.Filled.CoPresent,
        Roles.Advisor => Icons.Material.Filled.Groups,
        Roles.Guardian => Icons.Material.Filled.FamilyRestroom,
        Roles.Principal => Icons.Material.Filled.AccountBalance,
        _ => Icons.Material.Filled.AdminPanelSettings,
    };
}
