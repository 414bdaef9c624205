using System.Diagnostics;
using Microsoft.Playwright;
using PersonalizedLearning.Bench.Core;

namespace PersonalizedLearning.Bench.Circuits;

/// <summary>
/// A handful of real browsers (Debian's Chromium through Playwright) with the guardian page open on node B, alongside
/// the headless circuits: evidence committed through node A, latency = commit → first DOM mutation in the page (a
/// MutationObserver's Date.now(), against the commit's monotonic time mapped to the wall clock; same machine).
/// </summary>
public static class BrowserProbe
{
    public static async Task<ResultRow> RunAsync(string id, AppNode nodeA, AppNode nodeB, IReadOnlyList<GuardianTarget> guardians,
        IReadOnlyDictionary<string, BlazorSession> teachersOnA, Dictionary<string, int> used, CancellationToken ct)
    {
        const string metric = "Evidence commit (node A) → DOM updated in a real browser (node B)";
        var chromium = Environment.GetEnvironmentVariable("PL_CHROMIUM") ?? "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            return ResultRow.NotBuilt(id, metric, "p95 ≤ 250 ms", $"no Chromium at {chromium}");
        }
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true });
        var pages = new List<(GuardianTarget Guardian, IPage Page)>();
        foreach (var g in guardians)
        {
            var context = await browser.NewContextAsync(new() { BaseURL = nodeB.BaseUri.ToString() });
            var page = await context.NewPageAsync();
            await page.GotoAsync("Account/Login");
            await page.FillAsync("#email", g.Email);
            await page.FillAsync("#password", BenchAccounts.Password);
            await page.Locator("button[type=submit]").First.ClickAsync();
            await page.WaitForURLAsync(u => !u.Contains("/Account/Login", StringComparison.OrdinalIgnoreCase));
            // The page is live once its circuit's WebSocket has carried the first render batches.
            var live = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            page.WebSocket += (_, socket) => socket.FrameReceived += (_, _) => live.TrySetResult();
            await page.GotoAsync("parent");
            await live.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await Task.Delay(2_000, ct);
            await page.EvaluateAsync("() => { window.__mutations = []; new MutationObserver(() => window.__mutations.push(Date.now())).observe(document.body, { subtree: true, childList: true, characterData: true }); }");
            pages.Add((g, page));
        }
        var samples = new List<double>();
        var lost = 0;
        for (var round = 0; round < 5; round++)
        {
            foreach (var (g, page) in pages)
            {
                await page.EvaluateAsync("() => { window.__mutations = []; }");
                var t0 = await S5LiveUpdates.CommitAsync(teachersOnA[g.TeacherEmail], g, used, ct);
                var wallAtT0 = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - CircuitLab.Ms(t0, Stopwatch.GetTimestamp());
                try
                {
                    await page.WaitForFunctionAsync("() => window.__mutations.length > 0", null, new() { Timeout = 15_000 });
                    var first = await page.EvaluateAsync<double>("() => window.__mutations[0]");
                    samples.Add(first - wallAtT0);
                }
                catch (TimeoutException)
                {
                    lost++;
                }
                await Task.Delay(100, ct);
            }
        }
        var stats = LatencyStats.Of(samples);
        return new ResultRow(id, metric, Figure.From(stats, unit: "renders"), null, null, "p95 ≤ 250 ms",
            stats.Count > 0 && stats.P95 <= 250 && lost == 0,
            $"{pages.Count} Chromium pages beside the headless circuits, {samples.Count + lost} changes, {lost} not seen within 15 s; Date.now() has 1 ms resolution");
    }
}
