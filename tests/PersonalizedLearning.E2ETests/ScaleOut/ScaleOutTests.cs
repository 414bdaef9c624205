using Microsoft.Playwright;
using Npgsql;
using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Data.Seeding;
using PersonalizedLearning.Web.Domain;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace PersonalizedLearning.E2ETests.ScaleOut;

/// <summary>
/// Two web nodes behind HAProxy (deploy/haproxy.cfg) on one database, with a real browser going through HAProxy:
/// a change made on one node reaches a page open on the other, and a node dying under a user's fingers loses nothing
/// that was autosaved.
/// </summary>
public class ScaleOutTests(ScaleOutCluster cluster, ITestOutputHelper output) : IClassFixture<ScaleOutCluster>
{
    private const string AspirationsLabel = "Where do you want to go? College, career, life goals";
    private const string ReflectionLabel = "How is it going? What have you learned about how you learn?";

    [HaproxyFact]
    public async Task A_change_made_through_node_A_shows_on_a_guardians_page_open_on_node_B()
    {
        await cluster.EnsureAllNodesUpAsync();
        output.WriteLine(cluster.StartupReport());
        var mayaId = await MayaAsync();
        try
        {
            // The guardian's browser is pinned to w2 by its sticky cookie, the student's to w1.
            var guardian = await cluster.NewPageAsync(pinnedTo: "w2");
            await guardian.SignInAsync(AppFixture.DemoEmail(Roles.Guardian), DemoDistrict.Password);
            var guardianPage = await guardian.GotoAsync($"/students/{mayaId}/plan");
            Assert.Equal("w2", ServedBy(guardianPage));
            await guardian.WaitForInteractiveAsync();

            var student = await cluster.NewPageAsync(pinnedTo: "w1");
            await student.SignInAsync(AppFixture.DemoEmail(Roles.Student), DemoDistrict.Password);
            var studentPage = await student.GotoAsync("/student/plan");
            Assert.Equal("w1", ServedBy(studentPage));
            await student.WaitForInteractiveAsync();

            var aspiration = $"Marine biologist (typed on node w1, {Guid.NewGuid():N})";
            await student.GetByLabel(AspirationsLabel).FillAsync(aspiration);
            await Expect(student.GetByRole(AriaRole.Status)).ToContainTextAsync("All changes saved");

            // The guardian's page on w2 re-renders from the change feed (NOTIFY reaches every node's listener).
            await Expect(guardian.GetByText(aspiration)).ToBeVisibleAsync();
            await guardian.ScreenshotAsync("ScaleOut-guardian-on-w2");
            // Both nodes protect cookies with the one key the migrate step created (no key per node).
            Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM data_protection_keys"));
            // Both browsers stayed on their nodes throughout.
            Assert.Equal("w2", await ScaleOutCluster.StickyNodeAsync(guardian));
            Assert.Equal("w1", await ScaleOutCluster.StickyNodeAsync(student));
        }
        catch
        {
            output.WriteLine(cluster.Logs());
            throw;
        }
    }

    [HaproxyFact]
    public async Task When_the_node_a_student_types_on_dies_the_browser_moves_to_the_other_node_and_keeps_everything_autosaved()
    {
        await cluster.EnsureAllNodesUpAsync();
        output.WriteLine(cluster.StartupReport());
        try
        {
            // HAProxy chooses the node; the sticky cookie says which one it was.
            var page = await cluster.NewPageAsync();
            await page.SignInAsync(AppFixture.DemoEmail(Roles.Student), DemoDistrict.Password);
            await page.GotoAsync("/student/plan");
            await page.WaitForInteractiveAsync();
            var nodeA = await ScaleOutCluster.StickyNodeAsync(page) ?? throw new InvalidOperationException("No PLNODE cookie");
            var nodeB = cluster.Nodes.Keys.Single(n => n != nodeA);
            output.WriteLine($"The student was served by {nodeA}; {nodeB} survives.");

            var aspirations = page.GetByLabel(AspirationsLabel);
            var reflection = page.GetByLabel(ReflectionLabel);
            var reflectionBefore = await reflection.InputValueAsync();
            var autosaved = $"Architect (autosaved on {nodeA}, {Guid.NewGuid():N})";
            await aspirations.FillAsync(autosaved);
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("All changes saved");

            // The student keeps typing and the node dies before the next autosave (1.2 s after the last key).
            var reloadedOnB = page.WaitForResponseAsync(
                r => r.Url.EndsWith("/student/plan", StringComparison.Ordinal) && ServedBy(r) == nodeB,
                new() { Timeout = 120_000 });
            await reflection.PressSequentiallyAsync(" and then the power went out");
            cluster.Nodes[nodeA].Kill();
            var watch = System.Diagnostics.Stopwatch.StartNew();

            // Blazor's reconnect goes through HAProxy, which sends it to the surviving node; that node does not know the
            // dead node's circuit, so the app's reconnect script reloads the page, which HAProxy serves from node B
            // with the same sign-in (Data Protection keys are shared in the database).
            await RetryLikeAUserUntilAsync(page, reloadedOnB);
            output.WriteLine($"Back on {nodeB} {watch.Elapsed.TotalSeconds:F1} s after the kill.");
            await page.WaitForInteractiveAsync();
            Assert.Equal(nodeB, await ScaleOutCluster.StickyNodeAsync(page));
            await Expect(aspirations).ToHaveValueAsync(autosaved);
            // What was typed after the last autosave was only in the dead node's circuit: it is gone, exactly as if
            // the tab had been closed then (documented in docs/SCALING.md). The page shows the last saved text.
            await Expect(reflection).ToHaveValueAsync(reflectionBefore);
            await page.ScreenshotAsync("ScaleOut-after-failover");

            // The student can go on working on the surviving node.
            await reflection.FillAsync("Back to work on the other node");
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("All changes saved");
        }
        catch
        {
            output.WriteLine(cluster.Logs());
            throw;
        }
    }

    /// <summary>
    /// Waits for <paramref name="done"/>; if the app's reconnect dialog gives up meanwhile ("Failed to rejoin"), presses
    /// its Retry button as a person would.
    /// </summary>
    private static async Task RetryLikeAUserUntilAsync(IPage page, Task done)
    {
        var retry = page.Locator("#components-reconnect-button");
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (!done.IsCompleted && deadline.Elapsed < TimeSpan.FromSeconds(120))
        {
            try
            {
                if (await retry.IsVisibleAsync())
                {
                    // Retry reloads the page when the other node does not know the circuit (the click may time out waiting).
                    await retry.ClickAsync(new() { Timeout = 5_000 });
                }
            }
            catch (Exception e) when (e is PlaywrightException or TimeoutException)
            {
                // The page is navigating (the reload has begun): nothing to press.
            }
            await Task.WhenAny(done, Task.Delay(250));
        }
        await done;
    }

    private static string? ServedBy(IResponse? response) =>
        response?.Headers.TryGetValue("x-served-by", out var node) == true ? node : null;

    private Task<int> MayaAsync() => ScalarAsync<int>(
        "SELECT id FROM students WHERE user_id = (SELECT id FROM users WHERE normalized_email = upper(@email))",
        AppFixture.DemoEmail(Roles.Student));

    private async Task<T> ScalarAsync<T>(string sql, string? email = null)
    {
        await using var connection = new NpgsqlConnection(cluster.Db.Owner);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        if (email is not null)
        {
            command.Parameters.AddWithValue("email", email);
        }
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
