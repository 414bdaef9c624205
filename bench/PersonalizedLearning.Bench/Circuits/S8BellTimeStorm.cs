using System.Collections.Concurrent;
using System.Diagnostics;
using PersonalizedLearning.Bench.Core;

namespace PersonalizedLearning.Bench.Circuits;

/// <summary>
/// Scenario 8: the bell rings and N students and guardians (re)open the app within 40 s (arrivals spread evenly):
/// each is a GET of the prerendered page and a new circuit; first render = request sent → first interactive render
/// batch received. 5,000 with --full; 1,000 by default.
/// </summary>
public sealed class S8BellTimeStorm : IScenario
{
    public string Id => "8";
    public string Title => "Bell-time storm: circuits (re)opening within 40 s";
    public double Order => 8;

    public async Task<IReadOnlyList<ResultRow>> RunAsync(BenchContext context, CancellationToken ct)
    {
        var count = CircuitLab.Full(context) ? 5_000 : S5LiveUpdates.Env("PL_BENCH_STORM", 1_000);
        var window = TimeSpan.FromSeconds(S5LiveUpdates.Env("PL_BENCH_STORM_SECONDS", 40));
        await using var node = await CircuitLab.StartNodeAsync(context, "D");
        var accounts = await BenchAccounts.LoadAsync(CircuitLab.ConnectionString(context));
        var users = accounts.Guardians.Take(40).Select(g => (g.Email, Path: "parent"))
            .Concat(accounts.Students.Take(40).Select(s => (Email: s, Path: "student"))).ToList();
        BenchContext.Log($"  signing in {users.Count} accounts");
        var sessions = await CircuitLab.SignInAsync(node.BaseUri, users.Select(u => u.Email), ct);

        var firstRender = new ConcurrentBag<double>();
        var prerender = new ConcurrentBag<double>();
        var circuits = new ConcurrentBag<BlazorCircuit>();
        var failed = 0;
        var start = Stopwatch.GetTimestamp();
        BenchContext.Log($"  {count} circuits opening within {window.TotalSeconds:0} s");
        try
        {
            await Task.WhenAll(Enumerable.Range(0, count).Select(i => Task.Run(async () =>
            {
                var at = start + (long)(window.TotalSeconds * Stopwatch.Frequency * i / count);
                var wait = CircuitLab.Ms(Stopwatch.GetTimestamp(), at);
                if (wait > 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(wait), ct);
                }
                var (email, path) = users[i % users.Count];
                var t = Stopwatch.GetTimestamp();
                try
                {
                    var page = await sessions[email].GetPageAsync(path, ct);
                    prerender.Add(CircuitLab.Ms(t, Stopwatch.GetTimestamp()));
                    var circuit = await BlazorCircuit.OpenAsync(sessions[email], page, ct);
                    firstRender.Add(CircuitLab.Ms(t, circuit.FirstBatchAt));
                    circuits.Add(circuit);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    if (Interlocked.Increment(ref failed) <= 3)
                    {
                        BenchContext.Log($"  a circuit failed to open: {ex.GetType().Name}: {ex.Message}");
                    }
                }
            }, ct)));
            var took = CircuitLab.Ms(start, Stopwatch.GetTimestamp()) / 1000;
            var stats = await node.StatsAsync();
            var first = LatencyStats.Of(firstRender);
            var pre = LatencyStats.Of(prerender);
            return
            [
                new ResultRow(Id, $"First interactive render, {count:#,0} circuits opening within {window.TotalSeconds:0} s",
                    Figure.From(first, count / window.TotalSeconds, "opens"), Figure.From(pre, unit: "pages"), null, "p95 ≤ 500 ms",
                    first.P95 <= 500 && failed == 0,
                    $"request → first render batch of the circuit; reference = the prerendered page alone (first paint); {failed} failed; "
                    + $"all open after {took:0.0} s; {stats.Circuits} circuits on the node, resident {node.ResidentBytes() / 1048576.0:#,0} MiB"),
            ];
        }
        finally
        {
            await Task.WhenAll(circuits.Select(c => c.DisposeAsync().AsTask()));
            foreach (var s in sessions.Values)
            {
                s.Dispose();
            }
        }
    }
}
