using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Data.Seeding;
using PersonalizedLearning.Web.Domain;
using static Microsoft.Playwright.Assertions;

namespace PersonalizedLearning.E2ETests;

/// <summary>Live updates with one guardian's home open in two tabs (they share one re-read) and another family's open beside.</summary>
public class LiveUpdateJourneyTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Both_tabs_of_a_guardian_update_by_themselves_and_another_familys_page_never_shows_the_child()
    {
        var email = AppFixture.DemoEmail(Roles.Guardian);
        var (child, name) = (await fixture.QueryAsync<string>(
            "SELECT g.student_id || '|' || s.first_name || ' ' || s.last_name FROM guardian_links g JOIN users u ON u.id = g.guardian_user_id " +
            "JOIN students s ON s.id = g.student_id WHERE u.normalized_email = upper(@p0) ORDER BY s.first_name LIMIT 1", email)).Single().Split('|') switch
        {
            [var id, var full] => (int.Parse(id, System.Globalization.CultureInfo.InvariantCulture), full),
            _ => throw new InvalidOperationException(),
        };
        var otherEmail = (await fixture.QueryAsync<string>(
            "SELECT u.email FROM guardian_links g JOIN users u ON u.id = g.guardian_user_id WHERE NOT g.custody_restricted AND NOT EXISTS " +
            "(SELECT 1 FROM guardian_links m JOIN users v ON v.id = m.guardian_user_id JOIN guardian_links mine ON mine.student_id = m.student_id " +
            "JOIN users me ON me.id = mine.guardian_user_id WHERE m.guardian_user_id = g.guardian_user_id AND me.normalized_email = upper(@p0)) " +
            "ORDER BY u.email LIMIT 1", email)).Single();

        var tab1 = await fixture.NewPageAsync();
        await tab1.SignInAsync(email, DemoDistrict.Password);
        await tab1.WaitForInteractiveAsync();
        var tab2 = await tab1.Context.NewPageAsync();
        await tab2.GotoAsync("/parent");
        await tab2.WaitForInteractiveAsync();
        var other = await fixture.NewPageAsync();
        await other.SignInAsync(otherEmail, DemoDistrict.Password);
        await other.WaitForInteractiveAsync();
        await Expect(other.Locator(".mud-card").First).ToBeVisibleAsync();

        var card1 = tab1.Locator(".mud-card").Filter(new() { HasText = name });
        var card2 = tab2.Locator(".mud-card").Filter(new() { HasText = name });
        await using var db = fixture.OwnerContext();
        var current = await db.Plans.Where(p => p.StudentId == child).Select(p => p.Status).SingleAsync();
        var (next, shown) = current == PlanStatus.Completed ? (PlanStatus.Active, "Activo") : (PlanStatus.Completed, "Completado"); // the demo guardian reads Spanish
        await Expect(card1).Not.ToContainTextAsync(shown);
        await Expect(card2).Not.ToContainTextAsync(shown);

        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            await db.Plans.Where(p => p.StudentId == child).ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, next));
            await Web.Infrastructure.ChangeFeed.NotifyAsync(db, [child], "plan");
            await tx.CommitAsync();
        }

        await Expect(card1).ToContainTextAsync(shown, new() { Timeout = 3_000 });
        await Expect(card2).ToContainTextAsync(shown, new() { Timeout = 3_000 });
        await Expect(other.Locator("body")).Not.ToContainTextAsync(name);
        await RoleJourneyTests.AssertNoSeriousAxeViolationsAsync(tab2);
    }
}
