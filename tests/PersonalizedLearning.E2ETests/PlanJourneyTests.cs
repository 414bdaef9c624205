using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Data.Seeding;
using PersonalizedLearning.Web.Domain;
using static Microsoft.Playwright.Assertions;

namespace PersonalizedLearning.E2ETests;

/// <summary>The plan's life in a real browser: student, advisor and guardian in turn.</summary>
public class PlanJourneyTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Student_submits_advisor_requests_changes_student_resubmits_advisor_approves_guardian_acknowledges()
    {
        var studentId = await MayaAsync();
        await using (var db = fixture.OwnerContext())
        {
            await db.Plans.Where(p => p.StudentId == studentId).ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, PlanStatus.Draft));
        }

        // The student edits a goal (autosaved) and submits.
        var student = await fixture.NewPageAsync(phone: true);
        await student.SignInAsync(AppFixture.DemoEmail(Roles.Student), DemoDistrict.Password);
        await student.GotoAsync("/student/plan");
        await student.WaitForInteractiveAsync();
        // Goals read as text; "Edit goal" swaps in the editors of that one goal.
        await Expect(student.GetByLabel("How I'll learn it")).ToHaveCountAsync(0);
        await student.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Edit goal: ") }).First.ClickAsync();
        await Expect(student.GetByLabel("How I'll learn it")).ToHaveCountAsync(1);
        var strategy = student.GetByLabel("How I'll learn it").First;
        await strategy.FillAsync("Practice problems every evening");
        await student.GetByLabel("How is it going?").FillAsync("Going well <script>alert('x')</script><img src=x onerror=alert(1)>");
        await Expect(student.GetByRole(AriaRole.Status)).ToContainTextAsync("All changes saved");
        await student.ScreenshotAsync("Plan-student-phone");
        await student.GetByRole(AriaRole.Button, new() { Name = "Submit for review" }).ClickAsync();
        await Expect(student.Locator(".mud-chip").First).ToContainTextAsync("Waiting for review");

        // The advisor asks for changes, with a reason.
        var advisor = await fixture.NewPageAsync();
        await advisor.SignInAsync(AppFixture.DemoEmail(Roles.Advisor), DemoDistrict.Password);
        await advisor.GotoAsync($"/students/{studentId}/plan");
        await advisor.WaitForInteractiveAsync();
        await advisor.GetByRole(AriaRole.Button, new() { Name = "Request changes" }).ClickAsync();
        await advisor.GetByRole(AriaRole.Button, new() { Name = "Send back to the student" }).ClickAsync();
        await Expect(advisor.GetByRole(AriaRole.Alert)).ToContainTextAsync("Say what should change");
        await advisor.GetByLabel("What should the student change?").FillAsync("Add how you will check your progress.");
        await advisor.GetByRole(AriaRole.Button, new() { Name = "Send back to the student" }).ClickAsync();
        await Expect(advisor.Locator(".mud-chip").First).ToContainTextAsync("Changes requested");

        // The student sees the request live, fixes and resubmits.
        await Expect(student.GetByText("Add how you will check your progress.").First).ToBeVisibleAsync();
        await student.GetByLabel("How I'll learn it").First.FillAsync("Practice problems every evening; quiz myself on Fridays");
        await Expect(student.GetByRole(AriaRole.Status)).ToContainTextAsync("All changes saved");
        await student.GetByRole(AriaRole.Button, new() { Name = "Submit for review" }).ClickAsync();
        await Expect(student.Locator(".mud-chip").First).ToContainTextAsync("Waiting for review");

        // The advisor approves.
        await Expect(advisor.Locator(".mud-chip").First).ToContainTextAsync("Waiting for review");
        await advisor.GetByRole(AriaRole.Button, new() { Name = "Approve plan" }).ClickAsync();
        await Expect(advisor.Locator(".mud-chip").First).ToContainTextAsync("Active");
        await advisor.ScreenshotAsync("Plan-advisor-desktop");

        // The guardian (who reads Spanish) acknowledges.
        var guardian = await fixture.NewPageAsync(phone: true);
        await guardian.SignInAsync(AppFixture.DemoEmail(Roles.Guardian), DemoDistrict.Password);
        await guardian.GotoAsync($"/students/{studentId}/plan");
        await guardian.WaitForInteractiveAsync();
        await Expect(guardian.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Plan de aprendizaje de");
        await Expect(guardian.GetByText("Por favor lea este plan")).ToBeVisibleAsync();
        await guardian.GetByRole(AriaRole.Button, new() { Name = "He leído este plan" }).ClickAsync();
        await Expect(guardian.GetByText("Por favor lea este plan")).Not.ToBeVisibleAsync();
        await guardian.ScreenshotAsync("Plan-guardian-phone-es");

        // The script typed by the student is shown as text and never ran for anyone.
        var dialogs = 0;
        guardian.Dialog += (_, _) => dialogs++;
        await Expect(guardian.GetByText("<script>alert('x')</script>", new() { Exact = false }).First).ToBeVisibleAsync();
        Assert.Equal(0, dialogs);

        await using var check = fixture.OwnerContext();
        var signOffs = await check.PlanSignOffs.Where(s => check.Plans.Any(p => p.Id == s.PlanId && p.StudentId == studentId))
            .OrderBy(s => s.At).Select(s => s.Action).ToListAsync();
        Assert.Equal([PlanAction.Submit, PlanAction.RequestChanges, PlanAction.Submit, PlanAction.Approve, PlanAction.Acknowledge], signOffs);
    }

    [Fact]
    public async Task The_plan_page_reads_in_english_for_the_student_and_spanish_for_the_guardian_without_accessibility_violations()
    {
        var studentId = await MayaAsync();
        var student = await fixture.NewPageAsync();
        await student.SignInAsync(AppFixture.DemoEmail(Roles.Student), DemoDistrict.Password);
        await student.GotoAsync("/student/plan");
        await student.WaitForInteractiveAsync();
        await Expect(student.GetByRole(AriaRole.Heading, new() { Name = "Goals" })).ToBeVisibleAsync();
        await Expect(student.GetByRole(AriaRole.Heading, new() { Name = "My aspirations" })).ToBeVisibleAsync();
        await student.ScreenshotAsync("Plan-student-desktop");
        await RoleJourneyTests.AssertNoSeriousAxeViolationsAsync(student);

        var guardian = await fixture.NewPageAsync();
        await guardian.SignInAsync(AppFixture.DemoEmail(Roles.Guardian), DemoDistrict.Password);
        await guardian.GotoAsync($"/students/{studentId}/plan");
        await guardian.WaitForInteractiveAsync();
        await Expect(guardian.GetByRole(AriaRole.Heading, new() { Name = "Metas" })).ToBeVisibleAsync();
        await Expect(guardian.GetByRole(AriaRole.Heading, new() { Name = "Mis aspiraciones" })).ToBeVisibleAsync();
        await Expect(guardian.GetByRole(AriaRole.Tab, new() { NameRegex = new Regex("^Comentarios") })).ToBeVisibleAsync();
        await RoleJourneyTests.AssertNoSeriousAxeViolationsAsync(guardian);
    }

    private async Task<int> MayaAsync() =>
        (await fixture.QueryAsync<int>(
            "SELECT id FROM students WHERE user_id = (SELECT id FROM users WHERE normalized_email = upper(@p0))",
            AppFixture.DemoEmail(Roles.Student))).Single();
}

public class ProfileJourneyTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_student_edits_their_profile_and_the_guardian_reads_it_in_spanish_without_support_notes()
    {
        var student = await fixture.NewPageAsync(phone: true);
        await student.SignInAsync(AppFixture.DemoEmail(Roles.Student), DemoDistrict.Password);
        await student.GotoAsync("/student/profile");
        await student.WaitForInteractiveAsync();
        await RoleJourneyTests.AssertNoSeriousAxeViolationsAsync(student);
        await student.GetByLabel("My strengths").FillAsync("Sketching and explaining ideas to friends");
        await student.GetByRole(AriaRole.Button, new() { Name = "Save my profile" }).ClickAsync();
        await Expect(student.GetByText("Profile saved.")).ToBeVisibleAsync();
        await Expect(student.GetByText("Support and accommodations")).Not.ToBeVisibleAsync();
        await student.ScreenshotAsync("Profile-student-phone");

        var mayaId = (await fixture.QueryAsync<int>("SELECT id FROM students WHERE user_id = (SELECT id FROM users WHERE normalized_email = upper(@p0))",
            AppFixture.DemoEmail(Roles.Student))).Single();
        var guardian = await fixture.NewPageAsync();
        await guardian.SignInAsync(AppFixture.DemoEmail(Roles.Guardian), DemoDistrict.Password);
        await guardian.GotoAsync($"/students/{mayaId}/profile");
        await guardian.WaitForInteractiveAsync();
        await Expect(guardian.GetByRole(AriaRole.Heading, new() { Name = "Mis fortalezas" })).ToBeVisibleAsync();
        await Expect(guardian.GetByText("Sketching and explaining ideas to friends")).ToBeVisibleAsync();
        await Expect(guardian.GetByText("Apoyos y adaptaciones")).Not.ToBeVisibleAsync();

        var advisor = await fixture.NewPageAsync();
        await advisor.SignInAsync(AppFixture.DemoEmail(Roles.Advisor), DemoDistrict.Password);
        await advisor.GotoAsync($"/students/{mayaId}/profile");
        await advisor.WaitForInteractiveAsync();
        await Expect(advisor.GetByText("Support and accommodations")).ToBeVisibleAsync();
        await advisor.ScreenshotAsync("Profile-advisor-desktop");
    }

    [Fact]
    public async Task The_district_admin_manages_plan_templates()
    {
        var admin = await fixture.NewPageAsync();
        await admin.SignInAsync(AppFixture.DemoEmail(Roles.DistrictAdmin), DemoDistrict.Password);
        await admin.GotoAsync("/plan-templates");
        await admin.WaitForInteractiveAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "New template" }).ClickAsync();
        await admin.GetByLabel("Template name").FillAsync("Grade 9 launch plan");
        await admin.GetByLabel("From grade").FillAsync("9");
        await admin.GetByLabel("To grade").FillAsync("6");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Save template" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Alert)).ToContainTextAsync("Grades go from 0");
        await RoleJourneyTests.AssertNoSeriousAxeViolationsAsync(admin);
        await admin.GetByLabel("To grade").FillAsync("9");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Save template" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Cell, new() { Name = "Grade 9 launch plan", Exact = true })).ToBeVisibleAsync();
        await admin.ScreenshotAsync("Templates-admin-desktop");
    }
}
