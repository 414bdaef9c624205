using System.Diagnostics;

namespace PersonalizedLearning.Bench.Core;

/// <summary>p50/p95/p99 of a set of latencies in milliseconds (nearest-rank).</summary>
public sealed record LatencyStats(int Count, double P50, double P95, double P99, double Mean, double Max)
{
    public static LatencyStats Of(IEnumerable<double> millis)
    {
        var s = millis.Order().ToArray();
        if (s.Length == 0)
        {
            return new LatencyStats(0, 0, 0, 0, 0, 0);
        }
        return new LatencyStats(s.Length, Rank(s, 0.50), Rank(s, 0.95), Rank(s, 0.99), s.Average(), s[^1]);
    }

    private static double Rank(double[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <summary>A latency run: the samples and the wall-clock time they took (for throughput).</summary>
public sealed record Run(LatencyStats Latency, TimeSpan Wall, long Operations)
{
    public double PerSecond => Operations / Math.Max(Wall.TotalSeconds, 1e-9);
}

/// <summary>Stopwatch timestamps around each operation; warm-up first; concurrent workers when asked.</summary>
public static class Measure
{
    public static double Millis(long startTimestamp) => Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;

    /// <summary>Runs <paramref name="op"/> <paramref name="warmup"/> times unmeasured, then <paramref name="iterations"/> times measured, one at a time.</summary>
    public static async Task<Run> SerialAsync(int warmup, int iterations, Func<int, Task> op)
    {
        for (var i = 0; i < warmup; i++)
        {
            await op(-1 - i);
        }
        var samples = new double[iterations];
        var wall = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
        {
            var t = Stopwatch.GetTimestamp();
            await op(i);
            samples[i] = Millis(t);
        }
        return new Run(LatencyStats.Of(samples), wall.Elapsed, iterations);
    }

    /// <summary>
    /// <paramref name="workers"/> concurrent loops, each doing <paramref name="perWorker"/> operations
    /// (op gets worker and iteration index), after one warm-up operation per worker.
    /// </summary>
    public static async Task<Run> ConcurrentAsync(int workers, int perWorker, Func<int, int, Task> op, bool warmup = true)
    {
        if (warmup)
        {
            await Task.WhenAll(Enumerable.Range(0, workers).Select(w => op(w, -1)));
        }
        var samples = new double[workers * perWorker];
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < perWorker; i++)
            {
                var t = Stopwatch.GetTimestamp();
                await op(w, i);
                samples[w * perWorker + i] = Millis(t);
            }
        })));
        return new Run(LatencyStats.Of(samples), wall.Elapsed, samples.Length);
    }
}
