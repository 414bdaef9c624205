using System.Text.RegularExpressions;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Npgsql;
using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Data.Seeding;
using PersonalizedLearning.Web.Domain;
using static Microsoft.Playwright.Assertions;

namespace PersonalizedLearning.E2ETests;

public class RoleJourneyTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    public static TheoryData<string, string, bool> Roles_and_widths()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var (role, home) in Roles.Homes)
        {
            data.Add(role, home, false);
            data.Add(role, home, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Roles_and_widths))]
    public async Task Each_role_signs_in_and_sees_its_own_home(string role, string home, bool phone)
    {
        var page = await fixture.NewPageAsync(phone);
        await page.SignInAsync(AppFixture.DemoEmail(role), DemoDistrict.Password);

        await Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(home) + "$"));
        await page.WaitForInteractiveAsync();
        foreach (var text in await ExpectedTextsAsync(role))
        {
            await Expect(page.Locator("main").GetByText(text).First).ToBeVisibleAsync();
        }
        await page.ScreenshotAsync($"{role}-{(phone ? "phone" : "desktop")}");
        await AssertNoSeriousAxeViolationsAsync(page);
    }

    [Fact]
    public async Task A_wrong_password_shows_a_clear_message()
    {
        var page = await fixture.NewPageAsync();
        await page.SignInAsync(AppFixture.DemoEmail(Roles.Teacher), "definitely-wrong-password");

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("don't match an account");
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login"));
    }

    [Fact]
    public async Task A_parent_who_types_another_familys_child_url_sees_not_found_and_the_attempt_is_audited()
    {
        var email = AppFixture.DemoEmail(Roles.Guardian);
        var otherChild = (await fixture.QueryAsync<int>(
            "SELECT id FROM students WHERE id NOT IN (SELECT student_id FROM guardian_links g JOIN users u ON u.id = g.guardian_user_id WHERE u.normalized_email = upper(@p0)) ORDER BY id LIMIT 1",
            email)).Single();
        var page = await fixture.NewPageAsync();
        await page.SignInAsync(email, DemoDistrict.Password);
        await page.WaitForInteractiveAsync();

        await page.GotoAsync($"/students/{otherChild}");

        // The demo parent reads Spanish: "No encontrado" is "Not found".
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("No encontrado");
        await WaitForAsync(async () => (await fixture.QueryAsync<long>(
            "SELECT count(*) FROM access_audit a JOIN users u ON u.id = a.user_id WHERE u.normalized_email = upper(@p0) AND a.student_id = @p1 AND a.outcome = 'Denied'",
            email, otherChild)).Single() > 0);
    }

    [Fact]
    public async Task An_open_parent_page_updates_by_itself_when_a_childs_plan_changes()
    {
        var email = AppFixture.DemoEmail(Roles.Guardian);
        var page = await fixture.NewPageAsync();
        await page.SignInAsync(email, DemoDistrict.Password);
        await page.WaitForInteractiveAsync();
        var child = (await fixture.QueryAsync<int>(
            "SELECT g.student_id FROM guardian_links g JOIN users u ON u.id = g.guardian_user_id JOIN students s ON s.id = g.student_id WHERE u.normalized_email = upper(@p0) ORDER BY s.first_name LIMIT 1",
            email)).Single();
        var card = page.Locator(".mud-card").First;
        await using var db = fixture.OwnerContext();
        var current = await db.Plans.Where(p => p.StudentId == child).Select(p => p.Status).SingleAsync();
        var (next, shown) = current == PlanStatus.Completed ? (PlanStatus.Active, "Activo") : (PlanStatus.Completed, "Completado");
        await Expect(card).Not.ToContainTextAsync(shown);

        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            await db.Plans.Where(p => p.StudentId == child).ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, next));
            await Web.Infrastructure.ChangeFeed.NotifyAsync(db, [child], "plan");
            await tx.CommitAsync();
        }

        await Expect(card).ToContainTextAsync(shown);
    }

    [Fact]
    public async Task A_student_switches_to_spanish_and_the_choice_is_remembered()
    {
        var page = await fixture.NewPageAsync(phone: true);
        await page.SignInAsync(AppFixture.DemoEmail(Roles.Student), DemoDistrict.Password);
        await page.WaitForInteractiveAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Hi,");

        await page.GetByRole(AriaRole.Button, new() { Name = "Language" }).ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Español" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Hola,");
        await page.ScreenshotAsync("Student-phone-es");

        var again = await fixture.NewPageAsync();
        await again.SignInAsync(AppFixture.DemoEmail(Roles.Student), DemoDistrict.Password);
        await Expect(again.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Hola,");

        await using var db = fixture.OwnerContext();
        await db.Users.Where(u => u.NormalizedEmail == AppFixture.DemoEmail(Roles.Student).ToUpperInvariant())
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.PreferredLanguage, "en"));
    }

    private async Task<string[]> ExpectedTextsAsync(string role)
    {
        var email = AppFixture.DemoEmail(role);
        await using var db = fixture.OwnerContext();
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.NormalizedEmail == email.ToUpperInvariant());
        return role switch
        {
            Roles.Student => [$"Hi, {user.DisplayName}"],
            Roles.Teacher => [await db.Sections.Where(s => s.Teachers.Any(t => t.TeacherUserId == user.Id)).OrderBy(s => s.Name).Select(s => s.Name).FirstAsync()],
            Roles.Advisor => [await db.Advisories.Where(a => a.AdvisorUserId == user.Id).Select(a => a.Name).FirstAsync()],
            Roles.Guardian => ["Mis hijos", .. await db.GuardianLinks.Where(g => g.GuardianUserId == user.Id && !g.CustodyRestricted).Select(g => g.Student!.FirstName + " " + g.Student.LastName).ToListAsync()],
            Roles.Principal => [await db.Schools.Where(s => s.Id == user.SchoolId).Select(s => s.Name).FirstAsync()],
            _ => [await db.Districts.Select(d => d.Name).FirstAsync()],
        };
    }

    internal static async Task AssertNoSeriousAxeViolationsAsync(IPage page)
    {
        // A snackbar fading out is measured at partial opacity (a false contrast failure): check once it has gone.
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToHaveCountAsync(0, new() { Timeout = 15_000 });
        var results = await page.RunAxe(new AxeRunOptions { RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
        var serious = results.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, string.Join("\n", serious.Select(v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Take(3).Select(n => string.Join(" ", n.Target)))})")));
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 50; i++)
        {
            if (await condition())
            {
                return;
            }
            await Task.Delay(100);
        }
        Assert.Fail("The condition did not hold within 5 seconds.");
    }
}
