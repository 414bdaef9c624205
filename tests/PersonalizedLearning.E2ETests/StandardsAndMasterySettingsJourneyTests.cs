using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Data.Seeding;
using PersonalizedLearning.Web.Domain;
using static Microsoft.Playwright.Assertions;

namespace PersonalizedLearning.E2ETests;

/// <summary>The district admin imports a CASE package and changes a framework's method, watching the recompute finish.</summary>
public class StandardsAndMasterySettingsJourneyTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Admin_imports_a_case_package_sees_the_summary_then_changes_a_method_and_sees_the_recompute_finish()
    {
        var page = await fixture.NewPageAsync();
        await page.SignInAsync(AppFixture.DemoEmail(Roles.DistrictAdmin), DemoDistrict.Password);
        await page.WaitForInteractiveAsync();
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Standards import" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Standards import");
        await page.WaitForInteractiveAsync();

        // A broken package: every problem listed with its path, nothing imported.
        await page.GetByLabel("Choose a CASE package (JSON)").SetInputFilesAsync(Payload("broken.json", CaseSamples.Broken()));
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Nothing was imported");
        var problems = page.GetByRole(AriaRole.List, new() { Name = "Problems in the package" });
        await Expect(problems).ToContainTextAsync("$.CFItems[1].identifier: missing");
        await Expect(problems).ToContainTextAsync("$.CFDocument.title: missing");

        // The real package: a summary of what was created.
        await page.GetByLabel("Choose a CASE package (JSON)").SetInputFilesAsync(Payload("science.json", CaseSamples.Science()));
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("The package was imported.");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Imported into “{CaseSamples.Title}”" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Row, new() { Name = "Standards created" })).ToContainTextAsync("9");
        await Expect(page.GetByRole(AriaRole.Row, new() { Name = "Prerequisite links" })).ToContainTextAsync("3");
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = CaseSamples.Title, Exact = true })).ToBeVisibleAsync();
        await page.ScreenshotAsync("Standards-import-desktop");
        await RoleJourneyTests.AssertNoSeriousAxeViolationsAsync(page);

        // Mastery settings: switch the math framework to "highest score" and watch the recompute reach the end.
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Mastery settings" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Mastery settings");
        await page.WaitForInteractiveAsync();
        await page.GetByLabel("Framework", new() { Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Grade 6–8 Mathematics" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasTextRegex = new Regex("student levels use the current method") })).ToBeVisibleAsync();
        await page.GetByLabel("Calculation method", new() { Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Highest score" }).ClickAsync();
        await page.GetByLabel("Name of level 1").FillAsync("Getting started");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save mastery settings" }).ClickAsync();
        await Expect(page.GetByText("Mastery settings saved.")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Progressbar, new() { Name = "Recalculating mastery" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasTextRegex = new Regex(@"All [\d,]+ student levels use the current method") }))
            .ToBeVisibleAsync(new() { Timeout = 60_000 });
        await page.ScreenshotAsync("Mastery-settings-desktop");
        await RoleJourneyTests.AssertNoSeriousAxeViolationsAsync(page);

        // On a phone the same screens stack.
        var phone = await fixture.NewPageAsync(phone: true);
        await phone.SignInAsync(AppFixture.DemoEmail(Roles.DistrictAdmin), DemoDistrict.Password);
        await phone.GotoAsync("/admin/mastery");
        await phone.WaitForInteractiveAsync();
        await Expect(phone.GetByLabel("Name of level 1")).ToBeVisibleAsync();
        await phone.ScreenshotAsync("Mastery-settings-phone");
        await phone.GotoAsync("/admin/standards");
        await Expect(phone.GetByRole(AriaRole.Cell, new() { Name = CaseSamples.Title, Exact = true })).ToBeVisibleAsync();
        await phone.ScreenshotAsync("Standards-import-phone");
    }

    private static FilePayload Payload(string name, string json) =>
        new() { Name = name, MimeType = "application/json", Buffer = Encoding.UTF8.GetBytes(json) };
}
