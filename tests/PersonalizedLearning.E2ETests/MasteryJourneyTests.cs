using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Data.Seeding;
using PersonalizedLearning.Web.Domain;
using static Microsoft.Playwright.Assertions;

namespace PersonalizedLearning.E2ETests;

/// <summary>A teacher's mastery grid in a real browser: record for the class, see the grid change, ask "why", export.</summary>
public class MasteryJourneyTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Teacher_records_evidence_for_the_class_sees_the_grid_change_opens_why_and_exports_csv()
    {
        var (sectionName, frameworkId, students, standard) = await ArrangeAsync();
        var page = await fixture.NewPageAsync();
        await page.SignInAsync(AppFixture.DemoEmail(Roles.Teacher), DemoDistrict.Password);
        await page.WaitForInteractiveAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = $"Open the mastery grid of {sectionName}" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync($"Mastery: {sectionName}");
        var url = Regex.Replace(page.Url, @"\?.*$", "");
        await page.GotoAsync($"{url}?framework={frameworkId}");
        await page.WaitForInteractiveAsync();

        var first = page.GetByRole(AriaRole.Button, new() { Name = $"{students[0]}, {standard.Code}: " });
        await Expect(first).ToHaveAttributeAsync("aria-label", new Regex("No evidence yet"));
        await page.ScreenshotAsync("Mastery-grid-desktop");
        await RoleJourneyTests.AssertNoSeriousAxeViolationsAsync(page);

        // Record for the class: choose the standard, type scores with the keyboard, tabbing from row to row.
        await page.GetByRole(AriaRole.Button, new() { Name = "Record evidence for the class" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save evidence" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Choose a standard first.");
        await page.GetByLabel("Standard", new() { Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { NameRegex = new Regex($"^{Regex.Escape(standard.Code)} ") }).ClickAsync();
        await page.GetByLabel($"Score for {students[0]}").FocusAsync();
        await page.Keyboard.TypeAsync("4");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("2");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("3");
        await page.Keyboard.PressAsync("Tab");
        await page.ScreenshotAsync("Mastery-record-desktop");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save evidence" }).ClickAsync();
        await Expect(page.GetByText("Evidence recorded.")).ToBeVisibleAsync();

        // The grid changes (live, from the rollups written in the same transaction).
        await Expect(first).ToHaveAttributeAsync("aria-label", new Regex(": 4 Advanced"));
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = $"{students[1]}, {standard.Code}: " }))
            .ToHaveAttributeAsync("aria-label", new Regex(": 2 Developing"));
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = $"{students[2]}, {standard.Code}: " }))
            .ToHaveAttributeAsync("aria-label", new Regex(": 3 Proficient"));

        // "Why this level".
        await first.ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync($"{students[0]} · {standard.Code}");
        await Expect(dialog.GetByRole(AriaRole.Heading, new() { Name = "Why this level" })).ToBeVisibleAsync();
        await Expect(dialog).ToContainTextAsync("Calculated by decaying average (65% to the newest) from the evidence below, oldest first (evidence used: 1)");
        await Expect(dialog).ToContainTextAsync("100.0%");
        await page.ScreenshotAsync("Mastery-why-desktop");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Close", Exact = true }).Last.ClickAsync();

        // CSV export, with formula-safe cells.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Export CSV" }).ClickAsync());
        var csv = await File.ReadAllTextAsync(await download.PathAsync());
        Assert.StartsWith("Student,", csv.TrimStart('\uFEFF'), StringComparison.Ordinal);
        Assert.Contains($"{students[0]},", csv, StringComparison.Ordinal);
        Assert.Contains("4 Advanced", csv, StringComparison.Ordinal);

        // On a 360-px phone the grid scrolls sideways with the names pinned.
        var phone = await fixture.NewPageAsync(phone: true);
        await phone.SignInAsync(AppFixture.DemoEmail(Roles.Teacher), DemoDistrict.Password);
        await phone.GotoAsync($"{url}?framework={frameworkId}");
        await phone.WaitForInteractiveAsync();
        await Expect(phone.GetByRole(AriaRole.Button, new() { Name = $"{students[0]}, {standard.Code}: " })).ToBeAttachedAsync();
        await phone.ScreenshotAsync("Mastery-grid-phone");
    }

    [Fact]
    public async Task A_student_sees_mastery_by_standard_and_next_steps_on_a_phone()
    {
        var page = await fixture.NewPageAsync(phone: true);
        await page.SignInAsync(AppFixture.DemoEmail(Roles.Student), DemoDistrict.Password);
        await page.WaitForInteractiveAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "My mastery by standard and next steps" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("My mastery");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Next steps" }).First).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Cedar Valley Learning Goals" })).ToBeVisibleAsync();
        await page.ScreenshotAsync("Mastery-student-phone");
        await RoleJourneyTests.AssertNoSeriousAxeViolationsAsync(page);
    }

    /// <summary>The teacher's first section, MET, its first three students (grid order) and a standard none of them has evidence on.</summary>
    private async Task<(string Section, int Framework, string[] Students, Standard Standard)> ArrangeAsync()
    {
        await using var db = fixture.OwnerContext();
        var email = AppFixture.DemoEmail(Roles.Teacher).ToUpperInvariant();
        var teacher = await db.Users.Where(u => u.NormalizedEmail == email).Select(u => u.Id).SingleAsync();
        var section = await db.Sections.Where(s => s.Active && s.Teachers.Any(t => t.TeacherUserId == teacher)).OrderBy(s => s.Name).FirstAsync();
        var students = await db.Students.Where(s => s.Active && s.Enrollments.Any(e => e.SectionId == section.Id && e.Active))
            .OrderBy(s => s.LastName).ThenBy(s => s.FirstName).Take(3).Select(s => new { s.Id, Name = s.FirstName + " " + s.LastName }).ToListAsync();
        var ids = students.Select(s => s.Id).ToList();
        var framework = await db.Frameworks.Where(f => f.Code == "MET").Select(f => f.Id).SingleAsync();
        var standard = await db.Standards
            .Where(s => s.FrameworkId == framework && s.ParentId != null && !db.Evidence.Any(e => e.StandardId == s.Id && ids.Contains(e.StudentId)))
            .OrderBy(s => s.SortOrder).FirstAsync();
        return (section.Name, framework, [.. students.Select(s => s.Name)], standard);
    }
}
