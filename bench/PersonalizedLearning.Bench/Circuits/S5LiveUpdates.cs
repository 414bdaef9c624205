using System.Diagnostics;
using System.Net.Http.Json;
using PersonalizedLearning.Bench.Core;
using PersonalizedLearning.Web.Features.Mastery;

namespace PersonalizedLearning.Bench.Circuits;

/// <summary>
/// Scenario 5 (issue #6's live-update benchmark and issue #8's at 2,000 pages): evidence committed through
/// <see cref="EvidenceService"/> (the bench endpoint on a node, as a teacher) → every open guardian page showing that
/// child re-queries and re-renders. Pages are open on node B. "One node": the change is committed through node B
/// itself; "two nodes": through node A, so the event crosses PostgreSQL LISTEN/NOTIFY to B. Server-side latency is
/// commit (node A or B, monotonic clock right after the commit) → node B has re-queried and handed the re-render to
/// SignalR (Bench:Timestamps marks); client-side is commit → the headless client received the render batch, and for
/// the real Chromium pages commit → DOM changed in the browser. Every expected re-render is counted: lost = 0.
/// <para>Two sizes, each one node and two nodes: first a handful of pages, one per family (issue #6: 5 headless
/// circuits and the 3 Chromium pages), then 2,000 headless guardian pages (issue #8) beside the same Chromium pages.</para>
/// </summary>
public sealed class S5LiveUpdates : IScenario
{
    public string Id => "5";
    public string Title => "Committed change → open guardian pages re-rendered (one node, two nodes; a handful and 2,000 pages)";
    public double Order => 5;

    private sealed record Watch(bool Browser, Func<long, Task<double?>> Seen);

    public async Task<IReadOnlyList<ResultRow>> RunAsync(BenchContext context, CancellationToken ct)
    {
        var pages = Env("PL_BENCH_GUARDIAN_PAGES", 2_000);
        var changes = Env("PL_BENCH_CHANGES", 40);
        var accountsToUse = Env("PL_BENCH_GUARDIAN_ACCOUNTS", 100);

        await using var nodeA = await CircuitLab.StartNodeAsync(context, "A");
        // The login page makes node A create the data-protection key in PostgreSQL before B starts, so both share it.
        using (var warm = new HttpClient { BaseAddress = nodeA.BaseUri })
        {
            await warm.GetStringAsync("Account/Login", ct);
        }
        await using var nodeB = await CircuitLab.StartNodeAsync(context, "B");
        var accounts = await BenchAccounts.LoadAsync(CircuitLab.ConnectionString(context));
        var guardians = accounts.Guardians.Where(g => g.Standards.Count >= 4).Take(accountsToUse).ToList();
        BenchContext.Log($"  signing in {guardians.Count} guardians and their children's teachers (one cookie each, shared by their circuits)");
        var sessions = await CircuitLab.SignInAsync(nodeB.BaseUri,
            guardians.Select(g => g.Email).Concat(guardians.Select(g => g.TeacherEmail)), ct);
        var onA = guardians.Select(g => g.TeacherEmail).Distinct().ToDictionary(e => e, e => sessions[e].On(nodeA.BaseUri));
        var used = new Dictionary<string, int>(StringComparer.Ordinal);
        var rows = new List<ResultRow>();

        // Issue #6: a handful of open pages, one per family (no two share a child), 3 of them in real Chromium.
        var handful = OnePerFamily(guardians, 8);
        BenchContext.Log($"  opening a handful of guardian pages on node B: 3 in Chromium, {handful.Count - 3} headless");
        await using var browsers = await BrowserProbe.OpenAsync(nodeB, [.. handful.Take(3)], ct);
        var browserOf = (browsers?.Pages ?? []).ToDictionary(p => p.Guardian, p => p.Page);
        var few = new List<(GuardianTarget Guardian, BlazorCircuit Circuit)>();
        try
        {
            foreach (var g in handful.Where(g => !browserOf.ContainsKey(g)))
            {
                var session = sessions[g.Email];
                few.Add((g, await BlazorCircuit.OpenAsync(session, await session.GetPageAsync("parent", ct), ct)));
            }
            await Task.Delay(2_000, ct);
            await nodeB.StatsAsync();
            var handfulTargets = few.Select(f => f.Guardian).Concat(browserOf.Keys).ToList();
            var pagesNote = $"{few.Count} headless guardian pages + {browserOf.Count} Chromium pages open on node B, one per family";
            foreach (var (mode, writer) in new[] { ("one node", nodeB), ("two nodes", nodeA) })
            {
                rows.Add(await MeasureAsync(mode, $"{handfulTargets.Count} open pages (issue #6)", pagesNote, writer, nodeA, nodeB,
                    changes, k => handfulTargets[k % handfulTargets.Count],
                    async g => browserOf.TryGetValue(g, out var page)
                        ? [await ArmBrowserAsync(page)]
                        : [.. few.Where(f => f.Guardian.Children.Contains(g.StudentId)).Select(f => ArmHeadless(f.Circuit))],
                    sessions, onA, used, ct));
            }
        }
        finally
        {
            await Task.WhenAll(few.Select(f => f.Circuit.DisposeAsync().AsTask()));
        }

        // Issue #8: 2,000 open guardian pages on node B (100 guardian accounts share them: ~20 pages per family).
        BenchContext.Log($"  opening {pages} guardian pages on node B");
        var open = Stopwatch.StartNew();
        var (circuits, failed) = await CircuitLab.OpenManyAsync(pages, 16, async i =>
        {
            var g = guardians[i % guardians.Count];
            var session = sessions[g.Email];
            return (Guardian: g, Circuit: await BlazorCircuit.OpenAsync(session, await session.GetPageAsync("parent", ct), ct));
        }, ct);
        BenchContext.Log($"  {circuits.Count} open ({failed} failed) in {open.Elapsed.TotalSeconds:0.0} s");
        var byStudent = circuits.SelectMany(c => c.Guardian.Children.Select(s => (s, c.Circuit)))
            .GroupBy(x => x.s).ToDictionary(g => g.Key, g => g.Select(x => x.Circuit).ToList());
        try
        {
            await Task.Delay(2_000, ct);
            await nodeB.StatsAsync();
            var pagesNote = $"{circuits.Count} guardian pages open on node B ({guardians.Count} guardian accounts)";
            foreach (var (mode, writer) in new[] { ("one node", nodeB), ("two nodes", nodeA) })
            {
                rows.Add(await MeasureAsync(mode, $"{circuits.Count:#,0} open pages", pagesNote, writer, nodeA, nodeB, changes,
                    k => guardians[(k * 7 + (writer == nodeA ? 3 : 0)) % guardians.Count],
                    g => Task.FromResult<List<Watch>>([.. (byStudent.GetValueOrDefault(g.StudentId) ?? []).Select(ArmHeadless)]),
                    sessions, onA, used, ct));
            }
            rows.Add(browsers is null
                ? ResultRow.NotBuilt(Id, BrowserProbe.Metric, "p95 ≤ 250 ms", $"no Chromium at {BrowserProbe.Chromium}")
                : await browsers.MeasureAsync(Id, onA, used, $"beside the {circuits.Count:#,0} headless circuits", ct));
        }
        finally
        {
            await Task.WhenAll(circuits.Select(c => c.Circuit.DisposeAsync().AsTask()));
            foreach (var s in sessions.Values.Concat(onA.Values))
            {
                s.Dispose();
            }
        }
        return rows;
    }

    /// <summary>
    /// One row: <paramref name="changes"/> evidence commits through <paramref name="writer"/>, each awaited on every page
    /// showing the child (armed before the commit), server-side marks read from node B after each.
    /// </summary>
    private async Task<ResultRow> MeasureAsync(string mode, string size, string pagesNote, AppNode writer, AppNode nodeA, AppNode nodeB,
        int changes, Func<int, GuardianTarget> target, Func<GuardianTarget, Task<List<Watch>>> arm,
        Dictionary<string, BlazorSession> sessions, Dictionary<string, BlazorSession> onA, Dictionary<string, int> used, CancellationToken ct)
    {
        var server = new List<double>();
        var notify = new List<double>();
        var client = new List<double>();
        var browser = new List<double>();
        var expected = 0;
        var lost = 0;
        for (var k = 0; k < changes; k++)
        {
            var g = target(k);
            var watches = await arm(g);
            var t0 = await CommitAsync(writer == nodeA ? onA[g.TeacherEmail] : sessions[g.TeacherEmail], g, used, ct);
            expected += watches.Count;
            var seen = await Task.WhenAll(watches.Select(w => w.Seen(t0)));
            foreach (var (w, ms) in watches.Zip(seen))
            {
                if (ms is null)
                {
                    lost++;
                }
                else
                {
                    (w.Browser ? browser : client).Add(ms.Value);
                }
            }
            var marks = (await nodeB.StatsAsync()).Marks.Where(m => m.StudentId == g.StudentId && m.What == "evidence").ToList();
            server.AddRange(marks.Where(m => m.Stage == "rendered").Select(m => CircuitLab.Ms(t0, m.Timestamp)));
            notify.AddRange(marks.Where(m => m.Stage == "received").Select(m => CircuitLab.Ms(t0, m.Timestamp)));
            await Task.Delay(50, ct);
        }
        var s = LatencyStats.Of(server);
        var (c, b) = (LatencyStats.Of(client), LatencyStats.Of(browser));
        var note = $"{changes} changes, {pagesNote}, {expected} re-renders expected, {lost} lost; client-side (commit → batch received by the headless client) "
            + $"p50/p95 {c.P50:0.#}/{c.P95:0.#} ms"
            + (browser.Count > 0 ? $"; real browser (commit → DOM changed) p50/p95 {b.P50:0.#}/{b.P95:0.#} ms (n={b.Count})" : "")
            + "; reference = commit → NOTIFY received by node B";
        BenchContext.Log($"  {mode}, {size}: server p95 {s.P95:0.0} ms, client p95 {c.P95:0.0} ms, browser p95 {b.P95:0.0} ms, lost {lost}/{expected}");
        return new ResultRow(Id, $"Evidence commit → guardian page re-render sent, server-side, {mode}, {size}",
            Figure.From(s, unit: "renders"), CircuitLab.Latency(notify, "events"), null, "p95 ≤ 45 ms, 0 lost",
            s.Count > 0 && s.P95 <= 45 && lost == 0, note);
    }

    private static Watch ArmHeadless(BlazorCircuit circuit)
    {
        var next = circuit.NextBatch();
        return new Watch(false, async t0 =>
            await Task.WhenAny(next, Task.Delay(5_000)) == next && next.IsCompletedSuccessfully ? (double?)CircuitLab.Ms(t0, next.Result) : null);
    }

    private static async Task<Watch> ArmBrowserAsync(Microsoft.Playwright.IPage page)
    {
        await BrowserProbe.ArmAsync(page);
        return new Watch(true, t0 => BrowserProbe.SeenAsync(page, t0, TimeSpan.FromSeconds(15)));
    }

    /// <summary>Guardians no two of whom share a child (one page per family), those with the most fresh standards first.</summary>
    private static List<GuardianTarget> OnePerFamily(IEnumerable<GuardianTarget> guardians, int count)
    {
        var taken = new HashSet<int>();
        var chosen = new List<GuardianTarget>();
        foreach (var g in guardians.OrderByDescending(g => g.Standards.Count).ThenBy(g => g.Email, StringComparer.Ordinal))
        {
            if (chosen.Count < count && !g.Children.Any(taken.Contains))
            {
                chosen.Add(g);
                taken.UnionWith(g.Children);
            }
        }
        return chosen;
    }

    /// <summary>Records one new evidence (a standard the child had none on) through the node as the child's teacher.</summary>
    internal static async Task<long> CommitAsync(BlazorSession teacher, GuardianTarget g, Dictionary<string, int> used, CancellationToken ct)
    {
        var n = used.GetValueOrDefault(g.Email);
        used[g.Email] = n + 1;
        var input = new StudentEvidence(g.StudentId, g.Standards[n % g.Standards.Count], g.SectionId, g.Score,
            DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-1)), Guid.NewGuid(), "bench");
        using var response = await teacher.PostJsonAsync("bench/evidence", input, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Recording evidence failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }
        return await response.Content.ReadFromJsonAsync<long>(ct);
    }

    internal static int Env(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var v) ? v : fallback;
}
