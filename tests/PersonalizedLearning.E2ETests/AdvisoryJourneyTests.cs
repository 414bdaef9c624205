using Microsoft.Playwright;
using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Data.Seeding;
using PersonalizedLearning.Web.Domain;
using static Microsoft.Playwright.Assertions;

namespace PersonalizedLearning.E2ETests;

/// <summary>The app with "today" on Monday 2026-11-23, 9:00 in Chicago: a school day after the seeded Friday.</summary>
public sealed class AdvisoryBrowserFixture : BrowserFixture
{
    public static readonly DateOnly Monday = new(2026, 11, 23);

    protected override TimeProvider? Clock => new ShiftedTimeProvider(new DateTimeOffset(2026, 11, 23, 15, 0, 0, TimeSpan.Zero));
}

public class AdvisoryJourneyTests(AdvisoryBrowserFixture fixture) : IClassFixture<AdvisoryBrowserFixture>
{
    private static readonly DateOnly Monday = AdvisoryBrowserFixture.Monday;
    private const string AdvisorId = "(SELECT id FROM users WHERE normalized_email = upper(@p0))";

    private Task<List<int>> AdvisoryStudentsAsync() => fixture.QueryAsync<int>(
        $"SELECT s.id FROM students s JOIN advisories a ON a.id = s.advisory_id WHERE a.advisor_user_id = {AdvisorId} AND s.active ORDER BY s.last_name, s.first_name",
        AppFixture.DemoEmail(Roles.Advisor));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_advisor_records_check_ins_for_several_students_with_the_keyboard_only(bool phone)
    {
        var students = await AdvisoryStudentsAsync();
        var first = phone ? 3 : 0;
        await fixture.QueryAsync<int>("DELETE FROM check_ins WHERE day = @p0 AND student_id = ANY(@p1) RETURNING 1", Monday, students.Skip(first).Take(3).ToArray());
        var page = await fixture.NewPageAsync(phone);
        await page.SignInAsync(AppFixture.DemoEmail(Roles.Advisor), DemoDistrict.Password);
        await page.WaitForInteractiveAsync();
        var rows = page.Locator("tbody").GetByRole(AriaRole.Row);
        await Expect(rows).ToHaveCountAsync(students.Count);

        // Focus the row as Tab would, then only keys: mood + Enter is a typical student (2 keystrokes).
        await rows.Nth(first).FocusAsync();
        await page.Keyboard.PressAsync("4");
        await page.Keyboard.PressAsync("Enter");
        await Expect(rows.Nth(first + 1)).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("g");
        await page.Keyboard.PressAsync("2");
        await page.Keyboard.PressAsync("h");
        await page.Keyboard.PressAsync("Enter");
        await Expect(rows.Nth(first + 2)).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("a");
        await page.Keyboard.PressAsync("Enter");

        await Expect(rows.Nth(first)).ToContainTextAsync("Present");
        await Expect(rows.Nth(first + 1)).ToContainTextAsync("Needs help");
        await Expect(rows.Nth(first + 2)).ToContainTextAsync("Absent");
        await page.ScreenshotAsync($"Advisor-checkin-{(phone ? "phone" : "desktop")}");
        await RoleJourneyTests.AssertNoSeriousAxeViolationsAsync(page);

        var saved = await fixture.QueryAsync<string>(
            "SELECT attendance || ':' || coalesce(mood::text, '-') || ':' || needs_help::text FROM check_ins c JOIN students s ON s.id = c.student_id WHERE c.day = @p0 AND c.student_id = ANY(@p1) ORDER BY s.last_name, s.first_name",
            Monday, students.Skip(first).Take(3).ToArray());
        Assert.Equal(["Present:4:false", "Present:2:true", "Absent:-:false"], saved);
    }

    [Fact]
    public async Task A_student_fills_the_reflection_on_a_360_px_phone()
    {
        var email = AppFixture.DemoEmail(Roles.Student);
        var student = (await fixture.QueryAsync<int>("SELECT id FROM students WHERE user_id = (SELECT id FROM users WHERE normalized_email = upper(@p0))", email)).Single();
        var page = await fixture.NewPageAsync(phone: true);
        await page.SignInAsync(email, DemoDistrict.Password);
        await page.WaitForInteractiveAsync();
        await page.GotoAsync("/student/check-in");
        await page.WaitForInteractiveAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("My check-in");
        await page.GetByRole(AriaRole.Button, new() { Name = "Good" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Good" })).ToHaveAttributeAsync("aria-pressed", "true");
        await page.GetByLabel("Progress since last time").FillAsync("Finished the graph for my lab");
        await page.GetByText("I need help").ClickAsync();
        await page.GetByLabel("With what?").FillAsync("Writing the conclusion");
        await page.ScreenshotAsync("Student-checkin-phone");
        await RoleJourneyTests.AssertNoSeriousAxeViolationsAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save check-in" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your check-in is saved");
        var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(width <= 360, $"The page is {width} px wide on a 360 px screen.");
        var row = await fixture.QueryAsync<string>(
            "SELECT mood::text || ':' || needs_help::text || ':' || help_with || ':' || (student_submitted_at IS NOT NULL)::text FROM check_ins WHERE student_id = @p0 AND day = @p1",
            student, Monday);
        Assert.Equal(["4:true:Writing the conclusion:true"], row);
    }

    [Fact]
    public async Task A_flag_appears_after_three_missed_school_days_and_clears_when_resolved()
    {
        var student = (await AdvisoryStudentsAsync()).Last();
        await fixture.QueryAsync<int>("DELETE FROM check_ins WHERE student_id = @p0 AND day >= '2026-11-18' RETURNING 1", student);
        await fixture.QueryAsync<int>("DELETE FROM early_warning_flags WHERE student_id = @p0 RETURNING 1", student);
        var page = await fixture.NewPageAsync();
        await page.SignInAsync(AppFixture.DemoEmail(Roles.Advisor), DemoDistrict.Password);
        await page.WaitForInteractiveAsync();
        var row = page.Locator("tbody").GetByRole(AriaRole.Row).Last;
        await Expect(row).ToContainTextAsync("No check-in");

        await row.GetByRole(AriaRole.Link).ClickAsync();
        await page.WaitForInteractiveAsync();
        var card = page.GetByLabel("No check-in", new() { Exact = true });
        await Expect(card).ToContainTextAsync("school days");
        await RoleJourneyTests.AssertNoSeriousAxeViolationsAsync(page);
        await card.GetByLabel("What was done (required)").FillAsync("Called home: the family was travelling");
        await card.GetByRole(AriaRole.Button, new() { Name = "Resolve" }).ClickAsync();
        await Expect(page.GetByText("Called home: the family was travelling")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("No check-in", new() { Exact = true })).ToHaveCountAsync(0);
        await page.ScreenshotAsync("Advisor-support-desktop");

        await page.GotoAsync("/advisor");
        await page.WaitForInteractiveAsync();
        await Expect(page.Locator("tbody").GetByRole(AriaRole.Row).Last).Not.ToContainTextAsync("No check-in");
    }
}
