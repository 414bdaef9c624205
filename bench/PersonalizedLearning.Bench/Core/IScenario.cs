namespace PersonalizedLearning.Bench.Core;

/// <summary>
/// One benchmark scenario. To add one, put a public class implementing this interface (with a parameterless
/// constructor) anywhere in this project, e.g. Scenarios/S5LiveUpdates.cs: the runner finds it by reflection, runs
/// scenarios in <see cref="Order"/>, and writes every returned row into the table in docs/BENCHMARKS.md.
/// A scenario measures its own physical or peer reference in the same run and reports both.
/// It must not throw for a missed goal (report Pass = false); it may throw on a real error, which the runner
/// reports as a failed row and then exits non-zero.
/// </summary>
public interface IScenario
{
    /// <summary>Short id used on the command line (--only 3,7) and in the table, e.g. "3".</summary>
    string Id { get; }

    /// <summary>Human title, e.g. "Teacher section grid 35 × 60".</summary>
    string Title { get; }

    /// <summary>Run order (the scenario number is a good choice).</summary>
    double Order { get; }

    Task<IReadOnlyList<ResultRow>> RunAsync(BenchContext context, CancellationToken ct);
}
