using System.Globalization;

namespace PersonalizedLearning.Bench.Core;

/// <summary>Sizes of the synthetic district and of each scenario's workload.</summary>
public sealed record DistrictSize(
    string Name,
    int Students,
    int Staff,
    int Guardians,
    int Schools,
    int StandardsPerFramework,
    long Evidence,
    int CheckInDays,
    int ImportRows,
    int PlanEditors)
{
    /// <summary>The size: 50,000 students, 10,000,000 evidence rows, a 1,000,000-row import.</summary>
    public static readonly DistrictSize Full = new("full", 50_000, 2_500, 60_000, 100, 150, 10_000_000, 180, 1_000_000, 500);

    /// <summary>The default: one tenth, so the whole suite finishes in minutes on a 2-core machine.</summary>
    public static readonly DistrictSize Small = new("small", 5_000, 250, 6_000, 10, 150, 1_000_000, 180, 200_000, 500);
}

public sealed record BenchOptions(
    DistrictSize Size,
    string OwnerConnection,
    string AppConnection,
    string ReportPath,
    IReadOnlySet<string>? Only,
    bool SkipGenerate)
{
    public static BenchOptions Parse(string[] args)
    {
        var size = DistrictSize.Small;
        string? owner = Environment.GetEnvironmentVariable("PL_BENCH_OWNER");
        string? app = Environment.GetEnvironmentVariable("PL_BENCH_APP");
        var report = "docs/BENCHMARKS.md";
        HashSet<string>? only = null;
        var skip = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--full": size = DistrictSize.Full; break;
                case "--small": size = DistrictSize.Small; break;
                case "--owner": owner = args[++i]; break;
                case "--app": app = args[++i]; break;
                case "--report": report = args[++i]; break;
                case "--only": only = [.. args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]; break;
                case "--skip-generate": skip = true; break;
                case "--students": size = size with { Students = int.Parse(args[++i], CultureInfo.InvariantCulture) }; break;
                case "--evidence": size = size with { Evidence = long.Parse(args[++i], CultureInfo.InvariantCulture) }; break;
                case "--import-rows": size = size with { ImportRows = int.Parse(args[++i], CultureInfo.InvariantCulture) }; break;
                default: throw new ArgumentException($"Unknown argument {args[i]}");
            }
        }
        if (string.IsNullOrWhiteSpace(owner) || string.IsNullOrWhiteSpace(app))
        {
            throw new ArgumentException("Give --owner and --app connection strings (bench/run.sh does), or PL_BENCH_OWNER / PL_BENCH_APP.");
        }
        return new BenchOptions(size, owner, app, report, only, skip);
    }
}
