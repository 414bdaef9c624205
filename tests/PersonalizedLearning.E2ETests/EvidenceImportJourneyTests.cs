using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Data.Seeding;
using PersonalizedLearning.Web.Domain;
using static Microsoft.Playwright.Assertions;

namespace PersonalizedLearning.E2ETests;

/// <summary>A teacher imports a CSV of assessment results in a real browser: problems first, then progress, summary and the grid.</summary>
public class EvidenceImportJourneyTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Teacher_imports_a_csv_sees_problems_then_progress_and_summary_and_the_grid_shows_the_new_levels()
    {
        var (sectionId, frameworkId, students, code) = await ArrangeAsync();
        var page = await fixture.NewPageAsync();
        await page.SignInAsync(AppFixture.DemoEmail(Roles.Teacher), DemoDistrict.Password);
        await page.WaitForInteractiveAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Import evidence" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Import evidence");
        await page.WaitForInteractiveAsync();

        // The template downloads with the expected header.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download the template CSV" }).ClickAsync());
        var template = await File.ReadAllTextAsync(await download.PathAsync());
        Assert.StartsWith("student,framework,standard,score,observed_on,source,note,external_id", template, StringComparison.Ordinal);

        // A file with a bad line: nothing is imported, the problem is shown with its line and column.
        var day = DateTime.UtcNow.AddDays(-2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await ChooseAsync(page, $"student,framework,standard,score,observed_on,source\n{students[0].Number},MET,{code},4,{day},teacher\n{students[1].Number},MET,{code},7,{day},teacher\n");
        await page.GetByRole(AriaRole.Button, new() { Name = "Check and import" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Nothing was imported: 1 problems found.");
        var problem = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Score 7 is off the scale of MET (1 to 4)." });
        await Expect(problem.GetByRole(AriaRole.Cell)).ToHaveTextAsync(["3", "score", "Score 7 is off the scale of MET (1 to 4)."]);
        await page.ScreenshotAsync("Import-problems-desktop");
        await RoleJourneyTests.AssertNoSeriousAxeViolationsAsync(page);

        // The corrected file imports: progress, then the summary.
        await ChooseAsync(page, $"student,framework,standard,score,observed_on,source\n{students[0].Number},MET,{code},4,{day},teacher\n{students[1].Number},MET,{code},2,{day},teacher\n{students[2].Number},MET,{code},3,{day},external-app\n");
        await page.GetByRole(AriaRole.Button, new() { Name = "Check and import" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Import finished: 3 rows read.");
        await Expect(page.GetByRole(AriaRole.Progressbar, new() { Name = "Import progress" })).ToHaveAttributeAsync("aria-valuenow", "100");
        await Expect(page.GetByText("Evidence added").Locator("..")).ToContainTextAsync("3");
        await Expect(page.GetByText("Students updated").Locator("..")).ToContainTextAsync("3");
        await page.ScreenshotAsync("Import-summary-desktop");

        // The grid shows the new levels.
        await page.GotoAsync($"teacher/sections/{sectionId}?framework={frameworkId}");
        await page.WaitForInteractiveAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = $"{students[0].Name}, {code}: " })).ToHaveAttributeAsync("aria-label", new Regex(": 4 Advanced"));
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = $"{students[1].Name}, {code}: " })).ToHaveAttributeAsync("aria-label", new Regex(": 2 Developing"));
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = $"{students[2].Name}, {code}: " })).ToHaveAttributeAsync("aria-label", new Regex(": 3 Proficient"));

        // On a phone the page stays usable.
        var phone = await fixture.NewPageAsync(phone: true);
        await phone.SignInAsync(AppFixture.DemoEmail(Roles.Teacher), DemoDistrict.Password);
        await phone.GotoAsync("evidence/import");
        await phone.WaitForInteractiveAsync();
        await Expect(phone.GetByRole(AriaRole.Button, new() { Name = "Choose a CSV file" })).ToBeVisibleAsync();
        await phone.ScreenshotAsync("Import-phone");
    }

    private static async Task ChooseAsync(IPage page, string csv)
    {
        await page.Locator("input[type=file]").Last.SetInputFilesAsync(new FilePayload
        {
            Name = "scores.csv",
            MimeType = "text/csv",
            Buffer = Encoding.UTF8.GetBytes(csv),
        });
        await Expect(page.GetByText("File: scores.csv")).ToBeVisibleAsync();
    }

    private sealed record Pupil(string Name, string Number);

    /// <summary>The teacher's first section, MET, its first three students (grid order) and a standard none of them has evidence on.</summary>
    private async Task<(int Section, int Framework, Pupil[] Students, string Code)> ArrangeAsync()
    {
        await using var db = fixture.OwnerContext();
        var email = AppFixture.DemoEmail(Roles.Teacher).ToUpperInvariant();
        var teacher = await db.Users.Where(u => u.NormalizedEmail == email).Select(u => u.Id).SingleAsync();
        var section = await db.Sections.Where(s => s.Active && s.Teachers.Any(t => t.TeacherUserId == teacher)).OrderBy(s => s.Name).FirstAsync();
        var students = await db.Students.Where(s => s.Active && s.Enrollments.Any(e => e.SectionId == section.Id && e.Active))
            .OrderBy(s => s.LastName).ThenBy(s => s.FirstName).Take(3)
            .Select(s => new { s.Id, Name = s.FirstName + " " + s.LastName, s.StudentNumber }).ToListAsync();
        var ids = students.Select(s => s.Id).ToList();
        var framework = await db.Frameworks.Where(f => f.Code == "MET").Select(f => f.Id).SingleAsync();
        var code = await db.Standards
            .Where(s => s.FrameworkId == framework && s.ParentId != null && !db.Evidence.Any(e => e.StandardId == s.Id && ids.Contains(e.StudentId)))
            .OrderByDescending(s => s.SortOrder).Select(s => s.Code).FirstAsync();
        return (section.Id, framework, [.. students.Select(s => new Pupil(s.Name, s.StudentNumber))], code);
    }
}
