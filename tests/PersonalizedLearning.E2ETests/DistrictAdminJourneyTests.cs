using System.Text.RegularExpressions;
using Microsoft.Playwright;
using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Data.Seeding;
using PersonalizedLearning.Web.Domain;
using static Microsoft.Playwright.Assertions;

namespace PersonalizedLearning.E2ETests;

/// <summary>
/// The district admin's journeys of issue 7 not covered elsewhere: a password reset link and locking an account (the
/// locked user cannot sign in), and the district view (refresh, sort, open a school); plus the principal dashboard's
/// collapsible sections on a phone.
/// </summary>
public class DistrictAdminJourneyTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static readonly string Admin = AppFixture.DemoEmail(Roles.DistrictAdmin);

    [Fact]
    public async Task The_admin_sends_a_reset_link_then_locks_and_unlocks_the_account_and_the_locked_user_cannot_sign_in()
    {
        var email = AppFixture.DemoEmail(Roles.Teacher);
        var name = (await fixture.QueryAsync<string>("SELECT display_name FROM users WHERE normalized_email = upper(@p0)", email)).Single();
        const string newPassword = "A-brand-new-passphrase-42";

        var admin = await fixture.NewPageAsync();
        await admin.SignInAsync(Admin, DemoDistrict.Password);
        await admin.GotoAsync("/admin/people");
        await admin.WaitForInteractiveAsync();
        await admin.GetByLabel("Search by name or email").FillAsync(email);
        await admin.GetByLabel("Search by name or email").PressAsync("Enter");
        await admin.GetByRole(AriaRole.Button, new() { Name = $"Manage {name}" }).ClickAsync();

        // Reset link: the admin copies it; the user opens it signed out and chooses a new password.
        await admin.GetByRole(AriaRole.Button, new() { Name = "Create password reset link" }).ClickAsync();
        var linkBox = admin.GetByLabel("Password reset link");
        await Expect(linkBox).ToHaveValueAsync(new Regex("Account/ResetPassword\\?"));
        var link = await linkBox.InputValueAsync();
        await admin.ScreenshotAsync("Admin-people-reset-link-desktop");
        await RoleJourneyTests.AssertNoSeriousAxeViolationsAsync(admin);

        var user = await fixture.NewPageAsync(phone: true);
        await user.GotoAsync(link);
        await user.GetByLabel("New password", new() { Exact = true }).FillAsync(newPassword);
        await user.GetByLabel("New password again").FillAsync(newPassword);
        await user.GetByRole(AriaRole.Button, new() { Name = "Save the new password" }).ClickAsync();
        await Expect(user.GetByRole(AriaRole.Status)).ToContainTextAsync("Your new password is saved");
        await user.SignInAsync(email, DemoDistrict.Password);
        await Expect(user.GetByRole(AriaRole.Alert)).ToContainTextAsync("don't match an account");
        await user.SignInAsync(email, newPassword);
        await Expect(user).ToHaveURLAsync(new Regex("/teacher$"));

        // The admin's screen still holds the account as it was before the user's new password: the first lock is
        // refused as a conflict and the account reloads; the second goes through.
        await admin.GetByRole(AriaRole.Button, new() { Name = "Lock account" }).ClickAsync();
        await Expect(admin.GetByText(new Regex("^Someone else changed this account"))).ToBeVisibleAsync();
        // Lock: the user is signed out and cannot sign in again, even with the right password.
        await admin.GetByRole(AriaRole.Button, new() { Name = "Lock account" }).ClickAsync();
        await Expect(admin.GetByText("The account is locked and its sessions ended.")).ToBeVisibleAsync();
        await Expect(admin.GetByRole(AriaRole.Button, new() { Name = "Unlock account" })).ToBeVisibleAsync();
        var locked = await fixture.NewPageAsync();
        await locked.SignInAsync(email, newPassword);
        await Expect(locked).ToHaveURLAsync(new Regex("Account/Lockout"));
        await Expect(locked.GetByRole(AriaRole.Heading, new() { Name = "Account locked" })).ToBeVisibleAsync();
        await locked.ScreenshotAsync("Locked-user-sign-in-desktop");

        // Unlock: signing in works again.
        await admin.GetByRole(AriaRole.Button, new() { Name = "Unlock account" }).ClickAsync();
        await Expect(admin.GetByText("The account is unlocked.")).ToBeVisibleAsync();
        var again = await fixture.NewPageAsync();
        await again.SignInAsync(email, newPassword);
        await Expect(again).ToHaveURLAsync(new Regex("/teacher$"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_admin_refreshes_the_district_view_sorts_it_and_opens_a_school(bool phone)
    {
        var size = phone ? "phone" : "desktop";
        var page = await fixture.NewPageAsync(phone);
        await page.SignInAsync(Admin, DemoDistrict.Password);
        await page.GotoAsync("/district");
        await page.WaitForInteractiveAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Refresh now" }).ClickAsync();
        await Expect(page.GetByText("The numbers are up to date.")).ToBeVisibleAsync();
        await Expect(page.GetByText(new Regex("^Numbers as of"))).ToBeVisibleAsync();

        var school = (await fixture.QueryAsync<string>(
            "SELECT s.name FROM schools s JOIN users u ON u.school_id = s.id WHERE u.normalized_email = upper(@p0)",
            AppFixture.DemoEmail(Roles.Principal))).Single();
        var table = page.GetByRole(AriaRole.Region, new() { Name = "Schools" });
        await Expect(table.GetByRole(AriaRole.Link, new() { Name = school })).ToBeVisibleAsync();
        await page.ScreenshotAsync($"District-view-{size}");
        await RoleJourneyTests.AssertNoSeriousAxeViolationsAsync(page);

        // Sort by students at risk, most first, with the keyboard.
        var header = table.GetByRole(AriaRole.Columnheader, new() { Name = "Students at risk" });
        await header.GetByRole(AriaRole.Button).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(header).ToHaveAttributeAsync("aria-sort", "descending");
        var risks = await table.Locator("tbody td[data-col='atRisk']").AllInnerTextsAsync();
        var numbers = risks.Select(r => int.Parse(r, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(numbers.OrderDescending(), numbers);

        await table.GetByRole(AriaRole.Link, new() { Name = school }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("district/schools/\\d+$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = school, Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Back to the district view" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task On_a_phone_the_principal_dashboard_opens_one_section_at_a_time_with_the_keyboard()
    {
        var page = await fixture.NewPageAsync(phone: true);
        await page.SignInAsync(AppFixture.DemoEmail(Roles.Principal), DemoDistrict.Password);
        await page.GotoAsync("/principal");
        await page.WaitForInteractiveAsync();
        var grades = page.GetByRole(AriaRole.Button, new() { Name = "Mastery by grade level" });
        var groups = page.GetByRole(AriaRole.Button, new() { Name = "Mastery by student group" });
        await Expect(grades).ToHaveAttributeAsync("aria-expanded", "true");
        await Expect(groups).ToHaveAttributeAsync("aria-expanded", "false");
        var collapsed = await page.EvaluateAsync<int>("document.documentElement.scrollHeight");
        Assert.True(collapsed < 6000, $"the phone dashboard is {collapsed}px tall");
        await page.ScreenshotAsync("Principal-dashboard-collapsed-phone");
        await RoleJourneyTests.AssertNoSeriousAxeViolationsAsync(page);

        await groups.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(groups).ToHaveAttributeAsync("aria-expanded", "true");
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Mastery by student group" })).ToBeVisibleAsync();
        await page.ScreenshotAsync("Principal-dashboard-group-open-phone");
    }
}
