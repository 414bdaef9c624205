using System.Collections.Concurrent;
using System.Diagnostics;
using PersonalizedLearning.Bench.Core;

namespace PersonalizedLearning.Bench.Circuits;

/// <summary>
/// Scenario 6: concurrent circuits on one node, mixed as the issue says (80% student/guardian homes, 15% plan editors,
/// 5% teacher section grids), each user acting once per 10 s: following a link in the app (homes and grids; the router
/// renders the other page, and the next action comes back) or typing into the plan (an input event; the plan autosaves
/// 1.2 s later). Reports action → render
/// batch received p95 and memory: GC heap after a forced full collection and the process's resident set, measured
/// before and after opening each page type, so the per-circuit cost by page type is a difference of two measurements.
/// </summary>
public sealed class S6ConcurrentCircuits : IScenario
{
    private const double GiB = 1024.0 * 1024 * 1024;

    public string Id => "6";
    public string Title => "Concurrent mixed circuits on one node";
    public double Order => 6;

    private enum Kind { Home, PlanEditor, TeacherGrid }

    /// <summary>An open circuit; homes and grids act by navigating between <see cref="Page"/> and <see cref="Other"/>.</summary>
    private sealed record Open(Kind Kind, BlazorCircuit Circuit, Uri Page, Uri Other);

    public async Task<IReadOnlyList<ResultRow>> RunAsync(BenchContext context, CancellationToken ct)
    {
        var steps = CircuitLab.Full(context) ? new[] { 1_000, 2_000, 5_000 }
            : Environment.GetEnvironmentVariable("PL_BENCH_CIRCUIT_STEPS") is { } custom
                ? [.. custom.Split(',').Select(x => int.Parse(x, System.Globalization.CultureInfo.InvariantCulture))]
                : [1_000, 2_000];
        var actSeconds = S5LiveUpdates.Env("PL_BENCH_ACT_SECONDS", 30);
        await using var node = await CircuitLab.StartNodeAsync(context, "C");
        var accounts = await BenchAccounts.LoadAsync(CircuitLab.ConnectionString(context));
        var most = steps.Max();
        var homes = accounts.Guardians.Take(Math.Min(40, most)).Select(g => (Email: g.Email, Path: "parent"))
            .Concat(accounts.Students.Take(Math.Min(40, most)).Select(s => (Email: s, Path: "student"))).ToList();
        var editors = accounts.PlanEditors.Take(20).Select(s => (Email: s, Path: "student/plan")).ToList();
        var grids = accounts.Teachers.Take(10).Select(t => (Email: t.Email, Path: $"teacher/sections/{t.SectionId}")).ToList();
        BenchContext.Log($"  signing in {homes.Count + editors.Count + grids.Count} accounts");
        var sessions = await CircuitLab.SignInAsync(node.BaseUri,
            homes.Concat(editors).Concat(grids).Select(a => a.Email), ct);

        var open = new List<Open>();
        var rows = new List<ResultRow>();
        var perCircuit = new Dictionary<Kind, (double Heap, double Rss)>();
        var components = new Dictionary<Kind, int>();
        try
        {
            foreach (var target in steps)
            {
                var toOpen = Enumerable.Range(open.Count, target - open.Count).Select(KindOf).ToList();
                // Open one page type at a time and measure the heap around it (forced full GC) and the resident set.
                foreach (var kind in new[] { Kind.Home, Kind.PlanEditor, Kind.TeacherGrid })
                {
                    var n = toOpen.Count(k => k == kind);
                    await HoldAsync(node, $"before opening {n} {kind}", ct);
                    var before = await node.StatsAsync(collect: true);
                    var rssBefore = node.ResidentBytes();
                    var pool = kind switch { Kind.Home => homes, Kind.PlanEditor => editors, _ => grids };
                    var offset = open.Count(o => o.Kind == kind);
                    var watch = Stopwatch.StartNew();
                    var (opened, failed) = await CircuitLab.OpenManyAsync(n, 16, async i =>
                    {
                        var (email, path) = pool[(offset + i) % pool.Count];
                        var session = sessions[email];
                        var page = await session.GetPageAsync(path, ct);
                        return new Open(kind, await BlazorCircuit.OpenAsync(session, page, ct), page.Uri, new Uri(session.BaseUri, OtherPage(path)));
                    }, ct);
                    open.AddRange(opened);
                    var after = await node.StatsAsync(collect: true);
                    if (opened.Count > 0 && !perCircuit.ContainsKey(kind))
                    {
                        perCircuit[kind] = ((after.HeapBytes - before.HeapBytes) / (double)opened.Count,
                            (node.ResidentBytes() - rssBefore) / (double)opened.Count);
                    }
                    BenchContext.Log($"  +{opened.Count} {kind} ({failed} failed) in {watch.Elapsed.TotalSeconds:0.0} s; {after.Circuits} circuits on the node, heap {after.HeapBytes / 1048576.0:0} MiB");
                    await HoldAsync(node, $"after opening {opened.Count} {kind}", ct);
                }

                foreach (var sample in open.GroupBy(o => o.Kind).Select(g => g.First()))
                {
                    var seen = sample.Circuit.Targets();
                    components.TryAdd(sample.Kind, sample.Circuit.Components);
                    BenchContext.Log($"  {sample.Kind}: {sample.Circuit.Components} components, {sample.Circuit.Batches} batches, interop {sample.Circuit.RendererInterop}, error {sample.Circuit.Error}, {seen.Count} event targets, e.g. "
                        + string.Join(", ", seen.Take(6).Select(t => $"{t.Element}.{t.EventName}[{t.Attributes.GetValueOrDefault("aria-label")}]")));
                }
                var stats = await node.StatsAsync(collect: true);
                var rss = node.ResidentBytes();
                var (latency, byKind, missed) = await ActAsync(open, actSeconds, ct);
                var refused = open.Where(o => o.Circuit.FailedCalls > 0).ToList();
                if (refused.Count > 0)
                {
                    BenchContext.Log($"  {refused.Count} circuits had refused dispatches, e.g. {refused[0].Circuit.Error?.Split('\n')[0]}");
                }
                var l = LatencyStats.Of(latency);
                var perKind = string.Join("; ", byKind.OrderBy(k => k.Key).Select(k =>
                    $"{k.Key} p95 {LatencyStats.Of(k.Value).P95:0} ms (n={k.Value.Count})"));
                rows.Add(new ResultRow(Id, $"Action → render, {open.Count:#,0} mixed circuits", Figure.From(l, unit: "actions"), null, null,
                    "p95 ≤ 200 ms", l.P95 <= 200 && missed == 0,
                    $"one action per circuit per 10 s for {actSeconds} s; {perKind}; {missed} actions without a render within 10 s"));
                var memoryPer = perCircuit.Count == 0 ? 0 : stats.HeapBytes / (double)Math.Max(1, open.Count);
                var projected = ProjectRss(perCircuit, rss, open.Count, 10_000);
                rows.Add(new ResultRow(Id, $"Memory, {open.Count:#,0} mixed circuits", null, null, null, "10,000 circuits within 4 GiB",
                    projected <= 4 * GiB,
                    $"resident {rss / 1048576.0:#,0} MiB, GC heap after full GC {stats.HeapBytes / 1048576.0:#,0} MiB ({memoryPer / 1024:0} KiB/circuit); "
                    + $"per circuit by page type (heap / resident): {Describe(perCircuit)}; "
                    + $"components per circuit (live, one sample after opening): {string.Join(", ", components.OrderBy(c => c.Key).Select(c => $"{c.Key} {c.Value}"))}; "
                    + $"10,000 circuits projected from this mix: {projected / GiB:0.00} GiB resident (projection)"));
            }
        }
        finally
        {
            await Task.WhenAll(open.Select(o => o.Circuit.DisposeAsync().AsTask()));
            foreach (var s in sessions.Values)
            {
                s.Dispose();
            }
        }
        return rows;
    }

    /// <summary>
    /// PL_BENCH_HOLD_SECONDS=N pauses N seconds before and after opening each page type (circuits open and idle), so a
    /// heap dump of the node can be taken at each point (<c>dotnet-gcdump collect -p PID</c>); the log names the pid.
    /// </summary>
    private static async Task HoldAsync(AppNode node, string when, CancellationToken ct)
    {
        var seconds = S5LiveUpdates.Env("PL_BENCH_HOLD_SECONDS", 0);
        if (seconds > 0)
        {
            BenchContext.Log($"  holding {seconds} s {when} (node pid {node.ProcessId})");
            await Task.Delay(TimeSpan.FromSeconds(seconds), ct);
        }
    }

    /// <summary>Where a home or grid user goes and comes back from: their notifications, my mastery, the teacher's sections.</summary>
    private static string OtherPage(string path) => path switch
    {
        "parent" => "notifications",
        "student" => "student/mastery",
        _ when path.StartsWith("teacher/", StringComparison.Ordinal) => "teacher",
        _ => path,
    };

    // 5% teacher grids, 15% plan editors, 80% homes, interleaved.
    private static Kind KindOf(int i) => (i % 20) switch { 0 => Kind.TeacherGrid, 1 or 2 or 3 => Kind.PlanEditor, _ => Kind.Home };

    private static string Describe(Dictionary<Kind, (double Heap, double Rss)> per) =>
        string.Join(", ", per.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value.Heap / 1024:0} / {p.Value.Rss / 1024:0} KiB"));

    private static double ProjectRss(Dictionary<Kind, (double Heap, double Rss)> per, long rss, int open, int target)
    {
        if (per.Count < 3)
        {
            return rss / (double)Math.Max(open, 1) * target;
        }
        var mix = 0.80 * per[Kind.Home].Rss + 0.15 * per[Kind.PlanEditor].Rss + 0.05 * per[Kind.TeacherGrid].Rss;
        return rss + mix * (target - open);
    }

    private static async Task<(List<double> All, Dictionary<string, List<double>> ByKind, int Missed)> ActAsync(
        List<Open> open, int seconds, CancellationToken ct)
    {
        var all = new ConcurrentBag<(Kind, double)>();
        var missed = 0;
        var until = Stopwatch.GetTimestamp() + (long)(seconds * (double)Stopwatch.Frequency);
        await Task.WhenAll(open.Select((o, i) => Task.Run(async () =>
        {
            await Task.Delay(Random.Shared.Next(0, 10_000), ct);
            var n = 0;
            var away = false;
            while (Stopwatch.GetTimestamp() < until)
            {
                var next = Task.Delay(10_000, ct);
                // Plan editors type into the plan (an input event; it autosaves 1.2 s later); everyone else follows a
                // link in the app (the router renders the other page) and comes back on the next action.
                var field = o.Kind == Kind.PlanEditor ? o.Circuit.Find("input", t => t.Element == "textarea") : null;
                var rendered = o.Circuit.NextBatch();
                var failed = o.Circuit.FailedCalls;
                long started;
                try
                {
                    if (field is not null)
                    {
                        var text = $"Bench text {i}.{n++}";
                        started = await o.Circuit.DispatchAsync(field, BlazorCircuit.Input(text), text);
                    }
                    else
                    {
                        started = await o.Circuit.NavigateAsync(away ? o.Page : o.Other);
                        away = !away;
                    }
                }
                catch (InvalidOperationException)
                {
                    // The circuit's connection is gone (the server dropped it): a missed action, and this user stops acting.
                    Interlocked.Increment(ref missed);
                    return;
                }
                if (await Task.WhenAny(rendered, Task.Delay(10_000, ct)) == rendered && rendered.IsCompletedSuccessfully
                    && o.Circuit.FailedCalls == failed)
                {
                    all.Add((o.Kind, CircuitLab.Ms(started, rendered.Result)));
                }
                else
                {
                    Interlocked.Increment(ref missed);
                }
                await next;
            }
        }, ct)));
        var list = all.ToList();
        return ([.. list.Select(x => x.Item2)],
            list.GroupBy(x => x.Item1.ToString()).ToDictionary(g => g.Key, g => g.Select(x => x.Item2).ToList()), missed);
    }
}
