using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.UnitTests;

public class MasteryMethodRulesTests
{
    private static readonly ScaleLevel[] Default =
    [
        new(null, "Beginning", "#E57373", 1, false), new(null, "Developing", "#FFB74D", 2, false),
        new(null, "Proficient", "#81C784", 3, true), new(null, "Advanced", "#4FC3F7", 4, false),
    ];

    [Theory]
    [InlineData(MasteryMethod.DecayingAverage, 50, true)]
    [InlineData(MasteryMethod.DecayingAverage, 99, true)]
    [InlineData(MasteryMethod.DecayingAverage, 49, false)]
    [InlineData(MasteryMethod.DecayingAverage, 100, false)]
    [InlineData(MasteryMethod.WeightedAverage, 1, true)]
    [InlineData(MasteryMethod.WeightedAverage, 0, false)]
    [InlineData(MasteryMethod.NTimesAtMastery, 1, true)]
    [InlineData(MasteryMethod.NTimesAtMastery, 0, false)]
    [InlineData(MasteryMethod.MostRecent, 0, true)]
    public void Parameters_are_checked_against_each_methods_range(MasteryMethod method, int parameter, bool valid) =>
        Assert.Equal(valid, MasteryMethodRules.Validate(method, parameter, Default).Count == 0);

    [Fact]
    public void Defaults_are_65_65_and_5()
    {
        Assert.Equal(65, MasteryMethodRules.ParameterRange(MasteryMethod.DecayingAverage)!.Value.Default);
        Assert.Equal(65, MasteryMethodRules.ParameterRange(MasteryMethod.WeightedAverage)!.Value.Default);
        Assert.Equal(5, MasteryMethodRules.ParameterRange(MasteryMethod.NTimesAtMastery)!.Value.Default);
    }

    [Fact]
    public void A_scale_needs_exactly_one_mastery_level_names_colours_and_distinct_points()
    {
        ScaleLevel[] scale = [new(null, "", "red", 1, true), new(null, "Two", "#123456", 1, true)];

        var keys = MasteryMethodRules.Validate(MasteryMethod.Average, 0, scale).Select(p => p.Key).ToList();

        Assert.Contains("MasterySettings.Problem.OneMastery", keys);
        Assert.Contains("MasterySettings.Problem.LevelName", keys);
        Assert.Contains("MasterySettings.Problem.LevelColor", keys);
        Assert.Contains("MasterySettings.Problem.DuplicatePoints", keys);
    }
}
