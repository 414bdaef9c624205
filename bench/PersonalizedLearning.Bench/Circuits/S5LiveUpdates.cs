using System.Diagnostics;
using System.Net.Http.Json;
using PersonalizedLearning.Bench.Core;
using PersonalizedLearning.Web.Features.Mastery;

namespace PersonalizedLearning.Bench.Circuits;

/// <summary>
/// Scenario 5 (and issue #6's live-update benchmark): evidence committed through <see cref="EvidenceService"/> (the
/// bench endpoint on a node, as a teacher) → every open guardian page showing that child re-queries and re-renders.
/// 2,000 guardian pages are open on node B (headless circuits). "One node": the change is committed through node B
/// itself; "two nodes": through node A, so the event crosses PostgreSQL LISTEN/NOTIFY to B. Server-side latency is
/// commit (node A or B, monotonic clock right after the commit) → node B has re-queried and handed the re-render to
/// SignalR (Bench:Timestamps marks); client-side is commit → the headless client received the render batch. A handful
/// of real Chromium pages measure commit → DOM changed in the browser. Every expected re-render is counted: lost = 0.
/// </summary>
public sealed class S5LiveUpdates : IScenario
{
    public string Id => "5";
    public string Title => "Committed change → open guardian pages re-rendered (one node, two nodes)";
    public double Order => 5;

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
        var used = new Dictionary<string, int>(StringComparer.Ordinal);
        var rows = new List<ResultRow>();
        try
        {
            await Task.Delay(2_000, ct);
            await nodeB.StatsAsync();

            foreach (var (mode, writer) in new[] { ("one node", nodeB), ("two nodes", nodeA) })
            {
                var server = new List<double>();
                var notify = new List<double>();
                var client = new List<double>();
                var expected = 0;
                var lost = 0;
                for (var k = 0; k < changes; k++)
                {
                    var g = guardians[(k * 7 + (writer == nodeA ? 3 : 0)) % guardians.Count];
                    var pagesShowing = byStudent.GetValueOrDefault(g.StudentId) ?? [];
                    var waits = pagesShowing.Select(c => c.NextBatch()).ToList();
                    var t0 = await CommitAsync(writer == nodeA ? onA[g.TeacherEmail] : sessions[g.TeacherEmail], g, used, ct);
                    expected += waits.Count;
                    var all = Task.WhenAll(waits);
                    await Task.WhenAny(all, Task.Delay(5_000, ct));
                    foreach (var w in waits)
                    {
                        if (w.IsCompletedSuccessfully)
                        {
                            client.Add(CircuitLab.Ms(t0, w.Result));
                        }
                        else
                        {
                            lost++;
                        }
                    }
                    var marks = (await nodeB.StatsAsync()).Marks.Where(m => m.StudentId == g.StudentId && m.What == "evidence").ToList();
                    server.AddRange(marks.Where(m => m.Stage == "rendered").Select(m => CircuitLab.Ms(t0, m.Timestamp)));
                    notify.AddRange(marks.Where(m => m.Stage == "received").Select(m => CircuitLab.Ms(t0, m.Timestamp)));
                    await Task.Delay(50, ct);
                }
                var s = LatencyStats.Of(server);
                var note = $"{changes} changes, {circuits.Count} guardian pages open on node B ({guardians.Count} guardian accounts), "
                    + $"{expected} re-renders expected, {lost} lost; client-side (commit → batch received by the headless client) "
                    + $"p50/p95 {LatencyStats.Of(client).P50:0.#}/{LatencyStats.Of(client).P95:0.#} ms; reference = commit → NOTIFY received by node B";
                rows.Add(new ResultRow(Id, $"Evidence commit → guardian page re-render sent, server-side, {mode}",
                    Figure.From(s, unit: "renders"), CircuitLab.Latency(notify, "events"), null, "p95 ≤ 45 ms, 0 lost",
                    s.P95 <= 45 && lost == 0, note));
                BenchContext.Log($"  {mode}: server p95 {s.P95:0.0} ms, client p95 {LatencyStats.Of(client).P95:0.0} ms, lost {lost}/{expected}");
            }

            rows.Add(await BrowserProbe.RunAsync(Id, nodeA, nodeB, guardians.Take(3).ToList(), onA, used, ct));
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
