using PersonalizedLearning.Bench.Core;

namespace PersonalizedLearning.Bench.Generation;

/// <summary>Generates the large synthetic district with binary COPY (work in progress).</summary>
public static class DistrictGenerator
{
    public static async Task<(DistrictFacts Facts, IReadOnlyList<ResultRow> Rows)> GenerateAsync(BenchOptions options, CancellationToken ct)
    {
        var facts = await DistrictFacts.LoadAsync(options.OwnerConnection, ct);
        return (facts, []);
    }
}
