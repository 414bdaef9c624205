using System.Globalization;

namespace PersonalizedLearning.Bench.Core;

/// <summary>
/// One line of the results table. <see cref="Measured"/> is the app's path, <see cref="Reference"/> the bare
/// PostgreSQL (physical) or peer reference on the same data in the same run. <see cref="Ratio"/> is as the goal
/// states it (e.g. app rows/s ÷ COPY rows/s, or app p95 ÷ bare p95). Pass is null when there is no goal.
/// </summary>
public sealed record ResultRow(
    string Scenario,
    string Metric,
    Figure? Measured,
    Figure? Reference,
    double? Ratio,
    string Goal,
    bool? Pass,
    string Note = "")
{
    public static ResultRow NotBuilt(string scenario, string metric, string goal, string why) =>
        new(scenario, metric, null, null, null, goal, null, why);
}

/// <summary>A measured figure: either a latency distribution (p50/p95 in ms) or a rate (per second) with its latencies.</summary>
public sealed record Figure(double P50Ms, double P95Ms, double? PerSecond = null, int Samples = 0, string Unit = "ops")
{
    public static Figure From(LatencyStats s, double? perSecond = null, string unit = "ops") =>
        new(s.P50, s.P95, perSecond, s.Count, unit);

    public string Format()
    {
        var lat = P50Ms > 0 || P95Ms > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{P50Ms:0.##} / {P95Ms:0.##} ms")
            : "";
        var rate = PerSecond is { } r ? string.Create(CultureInfo.InvariantCulture, $"{r:#,0.#} {Unit}/s") : "";
        return string.Join("; ", new[] { lat, rate }.Where(x => x.Length > 0));
    }
}
