using System.Collections.Concurrent;
using Npgsql;
using PersonalizedLearning.Bench.Core;

namespace PersonalizedLearning.Bench.Circuits;

/// <summary>
/// What the circuit scenarios (5, 6, 8) share: the demo district's database (env PL_BENCH_CIRCUITS, which bench/run.sh
/// sets; the first node migrates and seeds it), app nodes started as processes, and sign-ins. Signing in costs a
/// password hash on the server, so each account signs in once and its cookie serves many circuits (as tabs share a
/// browser's cookie).
/// </summary>
public static class CircuitLab
{
    private static int nextPort = 5600 + Random.Shared.Next(0, 300);

    public static string ConnectionString(BenchContext context) =>
        Environment.GetEnvironmentVariable("PL_BENCH_CIRCUITS")
        ?? new NpgsqlConnectionStringBuilder(context.OwnerConnection) { Database = "pl_bench_circuits" }.ConnectionString;

    public static bool Full(BenchContext context) => context.Options.Size.Name == "full";

    public static Task<AppNode> StartNodeAsync(BenchContext context, string name)
    {
        var port = Interlocked.Increment(ref nextPort);
        var log = Path.Combine(Path.GetTempPath(), $"pl-bench-{name}-{port}.log");
        BenchContext.Log($"  starting app node {name} on 127.0.0.1:{port} (log {log})");
        return AppNode.StartAsync(ConnectionString(context), port, seed: true, log);
    }

    /// <summary>Signs each account in once (a few at a time: each sign-in is a deliberate slow hash on the server).</summary>
    public static async Task<Dictionary<string, BlazorSession>> SignInAsync(Uri node, IEnumerable<string> emails, CancellationToken ct)
    {
        var sessions = new ConcurrentDictionary<string, BlazorSession>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(emails.Distinct(StringComparer.Ordinal), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct },
            async (email, token) => sessions[email] = await BlazorSession.SignInAsync(node, email, BenchAccounts.Password, token));
        return new Dictionary<string, BlazorSession>(sessions, StringComparer.Ordinal);
    }

    /// <summary>Same cookies, another node (both nodes share the data-protection keys in PostgreSQL).</summary>
    public static BlazorSession On(this BlazorSession session, Uri node) => session.WithBase(node);

    /// <summary>Opens circuits with bounded concurrency; returns them in order with the time each took to first render.</summary>
    public static async Task<(List<T> Opened, int Failed)> OpenManyAsync<T>(int count, int concurrency, Func<int, Task<T>> open, CancellationToken ct)
    {
        var opened = new ConcurrentBag<(int, T)>();
        var failed = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct },
            async (i, _) =>
            {
                try
                {
                    opened.Add((i, await open(i)));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    if (Interlocked.Increment(ref failed) <= 3)
                    {
                        BenchContext.Log($"  a circuit failed to open: {ex.GetType().Name}: {ex.Message}");
                    }
                }
            });
        return ([.. opened.OrderBy(o => o.Item1).Select(o => o.Item2)], failed);
    }

    public static Figure Latency(IEnumerable<double> ms, string unit = "renders") => Figure.From(LatencyStats.Of(ms), unit: unit);

    public static double Ms(long from, long to) => (to - from) * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
}
