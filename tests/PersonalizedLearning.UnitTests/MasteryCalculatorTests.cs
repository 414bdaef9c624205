using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.UnitTests;

public class MasteryCalculatorTests
{
    private static readonly DateTimeOffset Start = new(2026, 9, 1, 14, 0, 0, TimeSpan.Zero);

    private static List<ScoredEvidence> Scores(params decimal[] scores) =>
        [.. scores.Select((s, i) => new ScoredEvidence(i + 1, s, Start.AddDays(i), Start.AddDays(i)))];

    [Fact]
    public void Decaying_average_of_1_2_3_4_at_65_percent_is_3_48()
    {
        var result = MasteryCalculator.Calculate(Scores(1, 2, 3, 4), MasteryMethod.DecayingAverage, 65, 3);
        Assert.Equal(3.48m, Math.Round(result.Score!.Value, 2));
        Assert.Equal(1m, result.Weights.Sum(w => w.Weight));
    }

    [Fact]
    public void Weighted_average_of_1_2_3_4_at_65_percent_is_3_30()
    {
        var result = MasteryCalculator.Calculate(Scores(1, 2, 3, 4), MasteryMethod.WeightedAverage, 65, 3);
        Assert.Equal(3.30m, Math.Round(result.Score!.Value, 2));
    }

    [Theory]
    [InlineData(MasteryMethod.DecayingAverage)]
    [InlineData(MasteryMethod.WeightedAverage)]
    [InlineData(MasteryMethod.MostRecent)]
    [InlineData(MasteryMethod.Highest)]
    [InlineData(MasteryMethod.Average)]
    public void One_score_is_its_own_mastery(MasteryMethod method)
    {
        var result = MasteryCalculator.Calculate(Scores(2.5m), method, 65, 3);
        Assert.Equal(2.5m, result.Score);
        Assert.Equal(1, result.Attempts);
    }

    [Fact]
    public void Scores_are_ordered_by_observed_time_then_recording_time()
    {
        var observed = Start;
        var evidence = new[]
        {
            new ScoredEvidence(1, 4, observed, Start.AddHours(2)),
            new ScoredEvidence(2, 1, observed, Start.AddHours(1)),
        };
        var result = MasteryCalculator.Calculate(evidence, MasteryMethod.MostRecent, 65, 3);
        Assert.Equal(4m, result.Score);
    }

    [Fact]
    public void N_times_at_mastery_gives_no_level_until_n_scores_reach_mastery()
    {
        var result = MasteryCalculator.Calculate(Scores(3, 4, 2, 3), MasteryMethod.NTimesAtMastery, 5, 3);
        Assert.Null(result.Score);
        Assert.Equal(4, result.Attempts);

        var enough = MasteryCalculator.Calculate(Scores(3, 4, 2, 3, 3, 4), MasteryMethod.NTimesAtMastery, 5, 3);
        Assert.Equal(3.4m, enough.Score);
    }

    [Fact]
    public void No_evidence_means_no_level_yet()
    {
        var result = MasteryCalculator.Calculate([], MasteryMethod.DecayingAverage, 65, 3);
        Assert.Null(result.Score);
        Assert.Equal(0, result.Attempts);
    }

    [Fact]
    public void As_the_decay_rate_nears_100_percent_the_latest_score_dominates()
    {
        var scores = Scores(1, 4, 2, 1, 3);
        var result = MasteryCalculator.Calculate(scores, MasteryMethod.DecayingAverage, 99, 3);
        Assert.InRange(result.Score!.Value, 2.97m, 3m);
    }

    [Fact]
    public void The_level_is_the_highest_whose_points_the_score_reaches()
    {
        MasteryLevel[] scale =
        [
            new() { Points = 1, Name = "Beginning", Color = "#e57373" },
            new() { Points = 2, Name = "Developing", Color = "#ffb74d" },
            new() { Points = 3, Name = "Proficient", Color = "#81c784", IsMastery = true },
            new() { Points = 4, Name = "Advanced", Color = "#4fc3f7" },
        ];
        Assert.Equal("Proficient", MasteryCalculator.LevelFor(3.48m, scale)!.Name);
        Assert.Equal("Developing", MasteryCalculator.LevelFor(2.99m, scale)!.Name);
        Assert.Null(MasteryCalculator.LevelFor(0.5m, scale));
        Assert.Null(MasteryCalculator.LevelFor(null, scale));
    }
}
