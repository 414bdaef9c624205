using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.UnitTests;

public class ReportCardConversionTests
{
    private static ReportCardBand Band(decimal from, decimal to, string grade) => new() { From = from, To = to, Grade = grade };

    private static readonly ReportCardBand[] District =
        [Band(3.5m, 4m, "A"), Band(2.5m, 3.49m, "B"), Band(1.5m, 2.49m, "C"), Band(1m, 1.49m, "D")];

    [Theory]
    [InlineData(4.0, "A")]
    [InlineData(3.5, "A")]
    [InlineData(3.495, "A")] // rounds to 3.50
    [InlineData(3.494, "B")]
    [InlineData(3.48, "B")]
    [InlineData(2.5, "B")]
    [InlineData(2.49, "C")]
    [InlineData(1.0, "D")]
    public void A_score_gets_the_grade_of_the_row_that_holds_it(double score, string grade) =>
        Assert.Equal(grade, ReportCardConversion.GradeFor((decimal)score, District));

    [Fact]
    public void No_score_or_no_table_gives_no_grade()
    {
        Assert.Null(ReportCardConversion.GradeFor(null, District));
        Assert.Null(ReportCardConversion.GradeFor(3m, []));
    }

    [Fact]
    public void The_district_table_covers_the_default_scale() =>
        Assert.Empty(ReportCardConversion.Validate(District, 1m, 4m));

    [Fact]
    public void Overlapping_rows_are_refused_with_both_rows_named()
    {
        var problems = ReportCardConversion.Validate([Band(3.5m, 4m, "A"), Band(2.5m, 3.5m, "B"), Band(1m, 2.49m, "C")], 1m, 4m);

        var p = Assert.Single(problems);
        Assert.Equal("Grades.Problem.Overlap", p.Key);
        Assert.Equal([2, 1, "3.50", "3.50"], p.Args);
    }

    [Fact]
    public void A_gap_and_an_uncovered_top_and_bottom_are_refused()
    {
        var problems = ReportCardConversion.Validate([Band(3m, 3.8m, "A"), Band(1.5m, 2.49m, "C")], 1m, 4m);

        Assert.Equal(["Grades.Problem.Gap", "Grades.Problem.Bottom", "Grades.Problem.Top"], problems.Select(p => p.Key));
        Assert.Equal(["2.50", "2.99"], problems[0].Args);
    }

    [Fact]
    public void Rows_need_a_grade_two_decimals_and_from_not_above_to()
    {
        var problems = ReportCardConversion.Validate([Band(4m, 3.5m, "A"), Band(1m, 3.495m, " ")], 1m, 4m);

        Assert.Equal(["Grades.Problem.FromAfterTo", "Grades.Problem.Grade", "Grades.Problem.Decimals"], problems.Select(p => p.Key));
    }
}
