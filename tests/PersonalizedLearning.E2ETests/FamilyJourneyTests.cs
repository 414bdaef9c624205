using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Data.Seeding;
using PersonalizedLearning.Web.Domain;
using static Microsoft.Playwright.Assertions;

namespace PersonalizedLearning.E2ETests;

/// <summary>Open pages re-check access every 2 s here (60 s by default), so a removed link shows quickly.</summary>
public sealed class FamilyBrowserFixture : BrowserFixture
{
    protected override IDictionary<string, string?>? Settings => new Dictionary<string, string?> { ["Auth:RevalidationSeconds"] = "2" };
}

/// <summary>A guardian's live child page, the bell, Spanish throughout, and access taken away while the page is open.</summary>
public class FamilyJourneyTests(FamilyBrowserFixture fixture) : IClassFixture<FamilyBrowserFixture>
{
    private static readonly string Guardian = AppFixture.DemoEmail(Roles.Guardian);

    [Fact]
    public async Task Evidence_a_teacher_records_appears_on_the_guardians_open_page_and_the_bell_counts_it()
    {
        var a = await ArrangeAsync();
        var parent = await fixture.NewPageAsync();
        await parent.SignInAsync(Guardian, DemoDistrict.Password);
        await parent.WaitForInteractiveAsync();
        await parent.GotoAsync($"/parent/children/{a.Maya}");
        await parent.WaitForInteractiveAsync();
        await Expect(parent.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Maya Ortiz");
        var evidence = parent.GetByTestId("recent-evidence");
        await Expect(evidence).Not.ToContainTextAsync(a.StandardCode);
        var bell = parent.GetByTestId("bell");
        await Expect(bell).ToHaveAttributeAsync("data-count", new Regex(@"^\d+$"));
        var before = int.Parse((await bell.GetAttributeAsync("data-count"))!, System.Globalization.CultureInfo.InvariantCulture);

        // A teacher, in another browser, records Maya's evidence on the class grid.
        var teacher = await fixture.NewPageAsync();
        await teacher.SignInAsync(AppFixture.DemoEmail(Roles.Teacher), DemoDistrict.Password);
        await teacher.WaitForInteractiveAsync();
        await teacher.GotoAsync($"/teacher/sections/{a.SectionId}?framework={a.FrameworkId}");
        await teacher.WaitForInteractiveAsync();
        await teacher.GetByRole(AriaRole.Button, new() { Name = "Record evidence for the class" }).ClickAsync();
        await teacher.GetByLabel("Standard", new() { Exact = true }).ClickAsync();
        await teacher.GetByRole(AriaRole.Option, new() { NameRegex = new Regex($"^{Regex.Escape(a.StandardCode)} ") }).ClickAsync();
        await teacher.GetByLabel("Score for Maya Ortiz").FillAsync("4");
        await teacher.GetByRole(AriaRole.Button, new() { Name = "Save evidence" }).ClickAsync();
        await Expect(teacher.GetByText("Evidence recorded.")).ToBeVisibleAsync();

        // Without a reload, within a couple of seconds.
        await Expect(evidence).ToContainTextAsync(a.StandardCode, new() { Timeout = 3_000 });
        await Expect(bell).Not.ToHaveAttributeAsync("data-count", before.ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = 3_000 });
        var after = int.Parse((await bell.GetAttributeAsync("data-count"))!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(after > before, $"bell {before} → {after}");
        await parent.ScreenshotAsync("Family-child-live-desktop");

        // The notification centre lists it in Spanish; marking all read empties the bell.
        await bell.ClickAsync();
        await Expect(parent.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Notificaciones");
        await Expect(parent.GetByText(new Regex($"Maya alcanzó «.+» en {Regex.Escape(a.StandardCode)}"))).ToBeVisibleAsync();
        await parent.WaitForInteractiveAsync();
        await RoleJourneyTests.AssertNoSeriousAxeViolationsAsync(parent);
        await parent.GetByRole(AriaRole.Button, new() { Name = "Marcar todas como leídas" }).ClickAsync();
        await Expect(bell).ToHaveAttributeAsync("data-count", "0");
    }

    [Fact]
    public async Task The_spanish_guardian_view_has_no_english_left_and_fits_a_phone()
    {
        var a = await ArrangeAsync();
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.BaseUrl!.ToString(),
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            Locale = "en-US",
        });
        var page = await context.NewPageAsync();
        await page.SignInAsync(Guardian, DemoDistrict.Password);
        await page.WaitForInteractiveAsync();
        await page.GotoAsync($"/parent/children/{a.Maya}");
        await page.WaitForInteractiveAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dominio por área" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Registros con el asesor/a" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Elija a un hijo o hija" })).ToBeVisibleAsync();
        await page.ScreenshotAsync("Family-child-phone-es");
        await RoleJourneyTests.AssertNoSeriousAxeViolationsAsync(page);

        // Every visible interface text is Spanish (standards, names and notes are data and stay as written).
        string[] english =
        [
            "Advisor", "Recent evidence", "Mastery by area", "Recent changes", "Needs attention", "Message the advisor",
            "Choose a child", "Target date", "Open plan", "check-ins", "This school year", "Notes the advisor",
            "Nothing needs attention", "No shared notes", "Notifications", "Messages", "Sign out", "Grade ", "Loading",
            "linked standards", "mastered", "No evidence", "Read and acknowledge", "Language",
        ];
        foreach (var url in new[] { $"/parent/children/{a.Maya}", $"/parent/children/{a.Maya}/messages", "/notifications", "/parent", "/messages" })
        {
            await page.GotoAsync(url);
            await page.WaitForInteractiveAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
            var text = await page.Locator("body").InnerTextAsync();
            var stripped = StripData(text, a);
            var left = english.Where(e => stripped.Contains(e, StringComparison.Ordinal)).ToList();
            Assert.True(left.Count == 0, $"{url}: English left: {string.Join(", ", left)}");
        }
        await page.GotoAsync($"/parent/children/{a.Maya}/messages");
        await page.WaitForInteractiveAsync();
        await page.ScreenshotAsync("Family-messages-phone-es");
        await RoleJourneyTests.AssertNoSeriousAxeViolationsAsync(page);
        await page.GotoAsync("/notifications");
        await page.WaitForInteractiveAsync();
        await page.ScreenshotAsync("Family-notifications-phone-es");

        var desktop = await fixture.NewPageAsync();
        await desktop.SignInAsync(Guardian, DemoDistrict.Password);
        await desktop.GotoAsync($"/parent/children/{a.Maya}");
        await desktop.WaitForInteractiveAsync();
        await desktop.ScreenshotAsync("Family-child-desktop-es");
    }

    [Fact]
    public async Task A_guardian_and_the_advisor_exchange_messages_and_no_one_else_sees_them()
    {
        var a = await ArrangeAsync();
        var parent = await fixture.NewPageAsync();
        await parent.SignInAsync(Guardian, DemoDistrict.Password);
        await parent.GotoAsync($"/parent/children/{a.Maya}");
        await parent.WaitForInteractiveAsync();
        await parent.GetByRole(AriaRole.Link, new() { Name = "Escribir al asesor/a" }).ClickAsync();
        await parent.WaitForInteractiveAsync();
        await parent.GetByLabel("Su mensaje").FillAsync("¿Cómo le fue a Maya esta semana?");
        await parent.GetByRole(AriaRole.Button, new() { Name = "Enviar" }).ClickAsync();
        await Expect(parent.GetByText("¿Cómo le fue a Maya esta semana?")).ToBeVisibleAsync();

        var advisor = await fixture.NewPageAsync();
        await advisor.SignInAsync(AppFixture.DemoEmail(Roles.Advisor), DemoDistrict.Password);
        await advisor.GotoAsync("/messages");
        await advisor.WaitForInteractiveAsync();
        await Expect(advisor.GetByText("1 unread")).ToBeVisibleAsync();
        await advisor.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("Maya Ortiz · Elena Ortiz") }).ClickAsync();
        await advisor.WaitForInteractiveAsync();
        await Expect(advisor.GetByText("¿Cómo le fue a Maya esta semana?")).ToBeVisibleAsync();
        await advisor.GetByLabel("Your message").FillAsync("Muy bien: terminó su proyecto.");
        await advisor.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();

        // The guardian's open thread shows the reply by itself.
        await Expect(parent.GetByText("Muy bien: terminó su proyecto.")).ToBeVisibleAsync(new() { Timeout = 3_000 });
        await parent.ScreenshotAsync("Family-thread-desktop-es");

        // A teacher who is not the advisor gets "not found" for the same thread.
        var teacher = await fixture.NewPageAsync();
        await teacher.SignInAsync(AppFixture.DemoEmail(Roles.Teacher), DemoDistrict.Password);
        await teacher.GotoAsync($"/messages/{a.Maya}/{a.ElenaId}");
        await Expect(teacher.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Not found");
    }

    [Fact]
    public async Task Removing_a_guardian_link_closes_the_open_child_page_within_the_revalidation_interval()
    {
        await using var db = fixture.OwnerContext();
        var a = await ArrangeAsync();
        // The second guardian of the family and their link to Maya's brother.
        var link = await db.GuardianLinks.Where(g => g.StudentId != a.Maya && g.GuardianUserId != a.ElenaId && !g.CustodyRestricted
                && db.GuardianLinks.Any(o => o.StudentId == a.Maya && o.GuardianUserId == g.GuardianUserId))
            .Select(g => new { g.Id, g.StudentId, g.GuardianUserId }).FirstAsync();
        var email = await db.Users.Where(u => u.Id == link.GuardianUserId).Select(u => u.Email!).SingleAsync();

        var page = await fixture.NewPageAsync();
        await page.SignInAsync(email, DemoDistrict.Password);
        await page.GotoAsync($"/parent/children/{link.StudentId}");
        await page.WaitForInteractiveAsync();
        await Expect(page.GetByTestId("recent-evidence").Or(page.GetByText("Dominio por área")).Or(page.GetByText("Mastery by area")).First).ToBeVisibleAsync();

        await db.GuardianLinks.Where(g => g.Id == link.Id).ExecuteDeleteAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(new Regex("^(Not found|No encontrado)$"), new() { Timeout = 6_000 });
    }

    private static string StripData(string text, Arrangement a)
    {
        // Data written in English in the demo district (standards, framework names, goals, notes) is not interface text.
        foreach (var data in a.DataTexts)
        {
            text = text.Replace(data, "", StringComparison.Ordinal);
        }
        return text;
    }

    private sealed record Arrangement(int Maya, string ElenaId, int SectionId, int FrameworkId, string StandardCode, string[] DataTexts);

    private async Task<Arrangement> ArrangeAsync()
    {
        await using var db = fixture.OwnerContext();
        var elena = await db.Users.Where(u => u.NormalizedEmail == Guardian.ToUpperInvariant()).Select(u => u.Id).SingleAsync();
        var studentEmail = AppFixture.DemoEmail(Roles.Student).ToUpperInvariant();
        var maya = await db.Students.Where(s => db.Users.Any(u => u.Id == s.UserId && u.NormalizedEmail == studentEmail)).Select(s => s.Id).SingleAsync();
        var teacherEmail = AppFixture.DemoEmail(Roles.Teacher).ToUpperInvariant();
        var teacher = await db.Users.Where(u => u.NormalizedEmail == teacherEmail).Select(u => u.Id).SingleAsync();
        var section = await db.Sections.Where(s => s.Active && s.Teachers.Any(t => t.TeacherUserId == teacher)
            && s.Enrollments.Any(e => e.StudentId == maya && e.Active)).Select(s => s.Id).FirstAsync();
        var framework = await db.Frameworks.Where(f => f.Code == "MET").Select(f => f.Id).SingleAsync();
        var standard = await db.Standards
            .Where(s => s.FrameworkId == framework && s.ParentId != null && !db.Evidence.Any(e => e.StandardId == s.Id && e.StudentId == maya))
            .OrderBy(s => s.SortOrder).Select(s => s.Code).FirstOrDefaultAsync()
            ?? await db.Standards.Where(s => s.FrameworkId == framework && s.ParentId != null).OrderByDescending(s => s.SortOrder).Select(s => s.Code).FirstAsync();
        var data = new List<string>();
        data.AddRange(await db.Standards.Select(s => s.Statement).ToListAsync());
        data.AddRange(await db.Frameworks.Select(f => f.Name).ToListAsync());
        data.AddRange(await db.Schools.Select(s => s.Name).ToListAsync());
        data.AddRange(await db.PlanGoals.Where(g => db.Plans.Any(p => p.Id == g.PlanId && p.StudentId == maya)).Select(g => g.Title).ToListAsync());
        data.AddRange(await db.CheckIns.Where(c => c.StudentId == maya && c.AdvisorNoteShared).Select(c => c.AdvisorNote).ToListAsync());
        data.AddRange(await db.FamilyMessages.Select(m => m.Body).ToListAsync());
        return new Arrangement(maya, elena, section, framework, standard, [.. data.Where(d => d.Length > 0).OrderByDescending(d => d.Length)]);
    }
}
