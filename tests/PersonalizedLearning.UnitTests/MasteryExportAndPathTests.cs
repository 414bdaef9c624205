using PersonalizedLearning.Web.Features.Mastery;

namespace PersonalizedLearning.UnitTests;

public class MasteryExportAndPathTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"")]
    [InlineData("+1", "'+1")]
    [InlineData("-2", "'-2")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tx", "'\tx")]
    [InlineData("\rx", "\"'\rx\"")]
    [InlineData("Ana, Díaz", "\"Ana, Díaz\"")]
    [InlineData("3.48 Proficient", "3.48 Proficient")]
    [InlineData("", "")]
    public void Csv_fields_are_neutralized_and_quoted(string value, string expected) =>
        Assert.Equal(expected, MasteryCsv.Field(value));

    [Fact]
    public void Csv_grid_writes_students_as_rows_and_standards_as_columns_with_score_and_level()
    {
        var grid = new SectionGrid(1, "Math 7", "Math", [new(1, "F")], 1,
            [new(1, "Beginning", "#f00", false), new(3, "Proficient", "#0f0", true)],
            [], [new(10, "A.1", "x", null), new(11, "=B.2", "y", null)],
            [new(5, "-Ana Díaz"), new(6, "Ben Ode")],
            [new(5, 10, 3.48m, true, 4, null), new(6, 11, 1m, false, 1, null)]);

        var lines = MasteryCsv.Grid(grid, "Student").Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(["Student,A.1,'=B.2", "'-Ana Díaz,3.48 Proficient,", "Ben Ode,,1 Beginning"], lines);
    }

    [Fact]
    public void Next_steps_are_unmastered_standards_whose_prerequisites_are_all_mastered()
    {
        (int, IReadOnlyCollection<int>)[] standards =
        [
            (1, []), (2, [1]), (3, [1, 4]), (4, []), (5, [2]), (6, [1]),
        ];

        var next = MasteryPaths.NextSteps(standards, new HashSet<int> { 1, 6 });

        Assert.Equal([2], next);
        Assert.Equal([2, 3], MasteryPaths.NextSteps(standards, new HashSet<int> { 1, 4, 6 }));
        Assert.Empty(MasteryPaths.NextSteps(standards, new HashSet<int>()));
    }
}
