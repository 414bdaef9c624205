using System.Diagnostics;
using Microsoft.Playwright;
using PersonalizedLearning.Bench.Core;

namespace PersonalizedLearning.Bench.Circuits;

/// <summary>
/// A handful of real browsers (Debian's Chromium through Playwright) with the guardian page open on node B: evidence
/// committed through a node, latency = commit → first DOM mutation in the page (a MutationObserver's Date.now(), against
/// the commit's monotonic time mapped to the wall clock; same machine). <see cref="OpenAsync"/> opens the pages once;
/// scenario 5 measures with them beside a handful of headless circuits (issue #6) and beside 2,000 (issue #8).
/// </summary>
public sealed class BrowserProbe : IAsyncDisposable
{
    public const string Metric = "Evidence commit (node A) → DOM updated in a real browser (node B)";

    private readonly IPlaywright playwright;
    private readonly IBrowser browser;

    private BrowserProbe(IPlaywright playwright, IBrowser browser)
    {
        this.playwright = playwright;
        this.browser = browser;
    }

    public List<(GuardianTarget Guardian, IPage Page)> Pages { get; } = [];

    public static string Chromium => Environment.GetEnvironmentVariable("PL_CHROMIUM") ?? "/usr/bin/chromium";

    /// <summary>Null when there is no Chromium on this machine.</summary>
    public static async Task<BrowserProbe?> OpenAsync(AppNode nodeB, IReadOnlyList<GuardianTarget> guardians, CancellationToken ct)
    {
        if (!File.Exists(Chromium))
        {
            return null;
        }
        var playwright = await Playwright.CreateAsync();
        var probe = new BrowserProbe(playwright, await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true }));
        try
        {
            foreach (var g in guardians)
            {
                var context = await probe.browser.NewContextAsync(new() { BaseURL = nodeB.BaseUri.ToString() });
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
                probe.Pages.Add((g, page));
            }
            return probe;
        }
        catch
        {
            await probe.DisposeAsync();
            throw;
        }
    }

    /// <summary>Forgets the mutations seen so far on the page (call before committing the change it should show).</summary>
    public static Task ArmAsync(IPage page) => page.EvaluateAsync("() => { window.__mutations = []; }");

    /// <summary>Commit (monotonic, <paramref name="t0"/>) → first DOM mutation, or null when none came within the timeout.</summary>
    public static async Task<double?> SeenAsync(IPage page, long t0, TimeSpan timeout)
    {
        var wallAtT0 = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - CircuitLab.Ms(t0, Stopwatch.GetTimestamp());
        try
        {
            await page.WaitForFunctionAsync("() => window.__mutations.length > 0", null, new() { Timeout = (float)timeout.TotalMilliseconds });
            return await page.EvaluateAsync<double>("() => window.__mutations[0]") - wallAtT0;
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    /// <summary>Five rounds: evidence for each page's child committed through node A; the row for issue #8 (beside 2,000 circuits).</summary>
    public async Task<ResultRow> MeasureAsync(string id, IReadOnlyDictionary<string, BlazorSession> teachersOnA,
        Dictionary<string, int> used, string beside, CancellationToken ct)
    {
        var samples = new List<double>();
        var lost = 0;
        for (var round = 0; round < 5; round++)
        {
            foreach (var (g, page) in Pages)
            {
                await ArmAsync(page);
                var t0 = await S5LiveUpdates.CommitAsync(teachersOnA[g.TeacherEmail], g, used, ct);
                if (await SeenAsync(page, t0, TimeSpan.FromSeconds(15)) is { } ms)
                {
                    samples.Add(ms);
                }
                else
                {
                    lost++;
                }
                await Task.Delay(100, ct);
            }
        }
        var stats = LatencyStats.Of(samples);
        return new ResultRow(id, Metric, Figure.From(stats, unit: "renders"), null, null, "p95 ≤ 250 ms",
            stats.Count > 0 && stats.P95 <= 250 && lost == 0,
            $"{Pages.Count} Chromium pages {beside}, {samples.Count + lost} changes, {lost} not seen within 15 s; Date.now() has 1 ms resolution");
    }

    public async ValueTask DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
    }
}
