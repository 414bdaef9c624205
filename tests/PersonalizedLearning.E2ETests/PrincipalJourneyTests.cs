using Microsoft.Playwright;
using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Data.Seeding;
using PersonalizedLearning.Web.Domain;
using static Microsoft.Playwright.Assertions;

namespace PersonalizedLearning.E2ETests;

public class PrincipalJourneyTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_principal_drills_from_students_at_risk_to_a_students_record(bool phone)
    {
        // One open early-warning flag on a student of the principal's school, so "students at risk" is not empty.
        var student = (await fixture.QueryAsync<int>(
            """
            SELECT s.id FROM students s JOIN users u ON u.school_id = s.school_id
            WHERE u.normalized_email = upper(@p0) AND s.active ORDER BY s.last_name, s.first_name, s.id LIMIT 1
            """, AppFixture.DemoEmail(Roles.Principal))).Single();
        await fixture.QueryAsync<long>(
            """
            INSERT INTO early_warning_flags (student_id, rule, episode, facts, raised_at, resolution_note)
            VALUES (@p0, 'NoCheckIn', 'e2e', ARRAY['No check-in for 3 school days'], now(), '')
            ON CONFLICT DO NOTHING RETURNING id
            """, student);
        var name = (await fixture.QueryAsync<string>("SELECT first_name || ' ' || last_name FROM students WHERE id = @p0", student)).Single();
        var atRisk = (await fixture.QueryAsync<long>(
            """
            SELECT count(DISTINCT f.student_id) FROM early_warning_flags f JOIN students s ON s.id = f.student_id
            JOIN users u ON u.school_id = s.school_id
            WHERE u.normalized_email = upper(@p0) AND s.active AND f.resolved_at IS NULL
            """, AppFixture.DemoEmail(Roles.Principal))).Single();

        var page = await fixture.NewPageAsync(phone);
        await page.SignInAsync(AppFixture.DemoEmail(Roles.Principal), DemoDistrict.Password);
        await page.GotoAsync("/principal");
        var card = page.Locator("a.stat-link[href='principal/students?atRisk=true']");
        await Expect(card).ToContainTextAsync("Students at risk");
        await Expect(card).ToContainTextAsync(atRisk.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.ScreenshotAsync($"Principal-dashboard-{(phone ? "phone" : "desktop")}");
        await RoleJourneyTests.AssertNoSeriousAxeViolationsAsync(page);

        await card.ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("principal/students\\?atRisk=true$"));
        var link = page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true });
        await Expect(link).ToBeVisibleAsync();
        await page.ScreenshotAsync($"Principal-at-risk-{(phone ? "phone" : "desktop")}");
        await RoleJourneyTests.AssertNoSeriousAxeViolationsAsync(page);

        await link.ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"students/{student}$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = name })).ToBeVisibleAsync();
        await page.ScreenshotAsync($"Principal-student-record-{(phone ? "phone" : "desktop")}");
    }

    [Fact]
    public async Task The_people_screen_passes_the_accessibility_check()
    {
        var page = await fixture.NewPageAsync();
        await page.SignInAsync(AppFixture.DemoEmail(Roles.DistrictAdmin), DemoDistrict.Password);
        await page.GotoAsync("/admin/people");
        await page.WaitForInteractiveAsync();
        await Expect(page.GetByRole(AriaRole.Table).First).ToBeVisibleAsync();
        await page.ScreenshotAsync("Admin-people-desktop");
        await RoleJourneyTests.AssertNoSeriousAxeViolationsAsync(page);
    }
}
