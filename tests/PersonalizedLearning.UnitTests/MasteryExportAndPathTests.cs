using System.IO.Compression;
using System.Text;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Features.Mastery;
using PersonalizedLearning.Web.Infrastructure;

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
        Assert.Equal(expected, TableExport.CsvField(value));

    [Fact]
    public void Csv_grid_writes_students_as_rows_and_standards_as_columns_with_score_and_level()
    {
        var grid = new SectionGrid(1, "Math 7", "Math", [new(1, "F")], 1,
            [new(1, "Beginning", "#f00", false), new(3, "Proficient", "#0f0", true)],
            [], [new(10, "A.1", "x", null), new(11, "=B.2", "y", null)],
            [new(5, "-Ana Díaz"), new(6, "Ben Ode")],
            [new(5, 10, 3.48m, true, 4, null), new(6, 11, 1m, false, 1, null)], []);

        var csv = TableExport.Csv(MasteryExport.Grid(grid, "Student"));
        var lines = Encoding.UTF8.GetString(csv.AsSpan(3)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal([0xEF, 0xBB, 0xBF], csv[..3]);
        Assert.Equal(["Student,A.1,'=B.2", "'-Ana Díaz,3.48 Proficient,", "Ben Ode,,1 Beginning"], lines);
    }

    [Fact]
    public async Task Xlsx_keeps_numbers_numeric_and_neutralizes_formula_text()
    {
        var table = new ExportTable("Grade 7 [Math]", ["Name", "Score"], [["=cmd()", 3.5m], ["Ana", null]]);

        var bytes = await TableExport.XlsxAsync(table);

        using var zip = new ZipArchive(new MemoryStream(bytes));
        var workbook = new StreamReader(zip.GetEntry("xl/workbook.xml")!.Open()).ReadToEnd();
        var sheet = new StreamReader(zip.GetEntry("xl/worksheets/sheet1.xml")!.Open()).ReadToEnd();
        Assert.Contains("name=\"Grade 7 Math\"", workbook, StringComparison.Ordinal);
        Assert.Contains("<t>&apos;=cmd()</t>", sheet, StringComparison.Ordinal);
        Assert.DoesNotContain("<f>", sheet, StringComparison.Ordinal);
        Assert.Contains("<v>3.5</v>", sheet, StringComparison.Ordinal);
    }

    [Fact]
    public void Needs_attention_flags_ten_quiet_school_days_and_below_mastery_after_three_attempts()
    {
        // Mon 2026-10-05 … the calendar has a break on 10-12..10-16 that must not count.
        var calendar = new SchoolCalendar(new DateOnly(2026, 8, 24), new DateOnly(2027, 6, 11), [(new DateOnly(2026, 10, 12), new DateOnly(2026, 10, 16))]);
        var today = new DateOnly(2026, 10, 23);
        var codes = new Dictionary<int, string> { [10] = "A.1", [11] = "A.2" };
        static DateTimeOffset At(int month, int day) => new(2026, month, day, 15, 0, 0, TimeSpan.Zero);
        DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);
        var ana = new GridStudent(1, "Ana");
        var ben = new GridStudent(2, "Ben");
        var cy = new GridStudent(3, "Cy");
        GridCell[] cells =
        [
            // Ana: last evidence Fri 10-02 → 10 school days later (break excluded) on 10-23.
            new(1, 10, 3m, true, 2, At(10, 2)),
            // Ben: recent, but 3 attempts below mastery on A.2.
            new(2, 10, 3m, true, 5, At(10, 22)), new(2, 11, 2.4m, false, 3, At(10, 21)),
            // Cy: recent, 2 attempts below mastery only.
            new(3, 11, 1m, false, 2, At(10, 22)),
        ];

        var a = MasteryAttention.For(ana, cells, codes, today, calendar, Day);
        var b = MasteryAttention.For(ben, cells, codes, today, calendar, Day);

        Assert.True(a!.Quiet);
        Assert.Equal(10, a.SchoolDaysSinceEvidence);
        Assert.False(b!.Quiet);
        Assert.Equal(["A.2"], b.BelowMastery);
        Assert.Null(MasteryAttention.For(cy, cells, codes, today, calendar, Day));
        Assert.True(MasteryAttention.For(new GridStudent(4, "Dee"), cells, codes, today, calendar, Day)!.Quiet);
        Assert.Null(MasteryAttention.For(cy, cells, codes, today, null, Day));
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
