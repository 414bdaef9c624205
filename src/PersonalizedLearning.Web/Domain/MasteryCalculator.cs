namespace PersonalizedLearning.Web.Domain;

/// <summary>One score fed to the calculation, with the times that order it.</summary>
public readonly record struct ScoredEvidence(long EvidenceId, decimal Score, DateTimeOffset ObservedAt, DateTimeOffset RecordedAt);

/// <summary>The outcome of a calculation: the score (null = no level yet) and the weight each evidence carried.</summary>
public sealed record MasteryResult(decimal? Score, int Attempts, IReadOnlyList<(long EvidenceId, decimal Weight)> Weights);

/// <summary>
/// The mastery engine: turns a student's scores on one standard into a mastery score by the framework's method.
/// Scores are ordered by observed time, ties by recording time. Pure: no clock, no I/O.
/// </summary>
public static class MasteryCalculator
{
    /// <summary>Bumped whenever a method's arithmetic changes, so stored rollups say how they were made.</summary>
    public const int Version = 1;

    public static MasteryResult Calculate(
        IEnumerable<ScoredEvidence> evidence, MasteryMethod method, int parameter, decimal masteryPoints)
    {
        var ordered = evidence.OrderBy(e => e.ObservedAt).ThenBy(e => e.RecordedAt).ThenBy(e => e.EvidenceId).ToList();
        if (ordered.Count == 0)
        {
            return new MasteryResult(null, 0, []);
        }

        var weights = method switch
        {
            MasteryMethod.DecayingAverage => DecayingWeights(ordered.Count, parameter / 100m),
            MasteryMethod.WeightedAverage => WeightedAverageWeights(ordered.Count, parameter / 100m),
            MasteryMethod.MostRecent => ordered.Select((_, i) => i == ordered.Count - 1 ? 1m : 0m).ToArray(),
            MasteryMethod.Highest => HighestWeights(ordered),
            MasteryMethod.Average => ordered.Select(_ => 1m / ordered.Count).ToArray(),
            MasteryMethod.NTimesAtMastery => NTimesWeights(ordered, parameter, masteryPoints),
            _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown mastery method"),
        };

        var used = ordered.Select((e, i) => (e.EvidenceId, Weight: weights[i])).ToList();
        decimal? score = weights.Sum() == 0m ? null : Math.Round(ordered.Select((e, i) => e.Score * weights[i]).Sum(), 4);
        return new MasteryResult(score, ordered.Count, used);
    }

    /// <summary>The level a score reaches: the highest level whose points the score meets; null when none.</summary>
    public static MasteryLevel? LevelFor(decimal? score, IEnumerable<MasteryLevel> scale) =>
        score is null ? null : scale.Where(l => score.Value >= l.Points).MaxBy(l => l.Points);

    // d1 = s1; dk = d(k-1)·(1−r) + sk·r. Unrolled: the weight of score i is r·(1−r)^(n−1−i), the first keeps (1−r)^(n−1).
    private static decimal[] DecayingWeights(int n, decimal rate)
    {
        var w = new decimal[n];
        for (var i = 0; i < n; i++)
        {
            var keep = Pow(1 - rate, n - 1 - i);
            w[i] = i == 0 ? keep : rate * keep;
        }
        return w;
    }

    private static decimal[] WeightedAverageWeights(int n, decimal latestWeight)
    {
        if (n == 1)
        {
            return [1m];
        }
        var w = new decimal[n];
        for (var i = 0; i < n - 1; i++)
        {
            w[i] = (1 - latestWeight) / (n - 1);
        }
        w[n - 1] = latestWeight;
        return w;
    }

    private static decimal[] HighestWeights(List<ScoredEvidence> ordered)
    {
        var best = ordered.Select((e, i) => (e.Score, i)).MaxBy(x => x.Score).i;
        return ordered.Select((_, i) => i == best ? 1m : 0m).ToArray();
    }

    private static decimal[] NTimesWeights(List<ScoredEvidence> ordered, int n, decimal masteryPoints)
    {
        var atMastery = ordered.Count(e => e.Score >= masteryPoints);
        if (atMastery < Math.Max(1, n))
        {
            return new decimal[ordered.Count];
        }
        return ordered.Select(e => e.Score >= masteryPoints ? 1m / atMastery : 0m).ToArray();
    }

    private static decimal Pow(decimal x, int k)
    {
        var r = 1m;
        for (var i = 0; i < k; i++)
        {
            r *= x;
        }
        return r;
    }
}
