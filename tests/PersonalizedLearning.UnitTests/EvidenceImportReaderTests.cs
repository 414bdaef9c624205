using System.Text;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Features.Mastery;

namespace PersonalizedLearning.UnitTests;

/// <summary>The CSV reader of the bulk evidence import: every kind of problem is reported with its line and column.</summary>
public class EvidenceImportReaderTests
{
    private static readonly DateOnly Today = new(2026, 11, 20);

    private static readonly ImportLookups Lookups = new(
        [(1, "100001", "stu-a"), (2, "100002", "stu-b")],
        [new ImportFramework(10, "MET", 1m, 4m, MasteryMethod.DecayingAverage, 65, 3m, new Dictionary<string, int> { ["EMP.1"] = 101, ["EMP.2"] = 102 })],
        Today, TimeZoneInfo.Utc);

    private const string Header = "student,framework,standard,score,observed_on,source,note,external_id\n";

    private static ImportReadResult Read(string csv) =>
        EvidenceImportReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(csv)), Lookups);

    [Fact]
    public void A_valid_file_maps_codes_to_ids_by_number_or_sourced_id_with_aliased_headers()
    {
        var result = Read("\uFEFFStudent Number,Framework Code,Standard,Score,Observed Date,Source,Notes\n"
            + "100001,MET,EMP.1,3,2026-11-02,teacher,\"Exit ticket, part 2\"\n"
            + "stu-b,met,emp.2,2.5,2026-11-03T09:30:00-05:00,Self-Assessment,\n\n");

        Assert.Equal(0, result.ProblemCount);
        Assert.Collection(result.Rows,
            r =>
            {
                Assert.Equal((2, 1, 101, 3m, EvidenceSource.TeacherAssessment), (r.Line, r.StudentId, r.StandardId, r.Score, r.Source));
                Assert.Equal(new DateTimeOffset(2026, 11, 2, 12, 0, 0, TimeSpan.Zero), r.ObservedAt);
                Assert.Equal("Exit ticket, part 2", r.Note);
            },
            r =>
            {
                Assert.Equal((3, 2, 102, 2.5m, EvidenceSource.SelfAssessment), (r.Line, r.StudentId, r.StandardId, r.Score, r.Source));
                Assert.Equal(new DateTimeOffset(2026, 11, 3, 14, 30, 0, TimeSpan.Zero), r.ObservedAt);
            });
    }

    [Fact]
    public void Every_problem_in_every_line_is_reported_with_its_line_and_column()
    {
        var result = Read(Header
            + "999999,MET,EMP.1,3,2026-11-02,teacher,,\n"          // 2 unknown student
            + "100001,XYZ,EMP.1,3,2026-11-02,teacher,,\n"          // 3 unknown framework
            + "100001,MET,EMP.9,3,2026-11-02,teacher,,\n"          // 4 unknown standard
            + "100001,MET,EMP.1,five,2026-11-02,teacher,,\n"       // 5 not a number
            + "100001,MET,EMP.1,4.5,2026-11-02,teacher,,\n"        // 6 off the scale
            + "100001,MET,EMP.1,2.0001,2026-11-02,teacher,,\n"     // 7 too many decimals
            + "100001,MET,EMP.1,3,02/11/2026,teacher,,\n"          // 8 bad date
            + "100001,MET,EMP.1,3,2026-12-01,teacher,,\n"          // 9 future date
            + "100001,MET,EMP.1,3,2026-11-02,robot,,\n"            // 10 unknown source
            + ",MET,EMP.1,3,2026-11-02,teacher,,\n"                // 11 empty student
            + "100001,MET,EMP.1,3,2026-11-02,teacher,,key:abc\n"   // 12 reserved external id
            + "100001,MET,EMP.1,2,2026-11-02,teacher,,app-1\n"     // 13 fine
            + "100001,MET,EMP.1,1,2026-11-03,teacher,,app-1\n"     // 14 duplicate external id
            + "100001,MET,EMP.1,2,2026-11-02,teacher,,\n"          // 15 duplicate of line 13
            + "100001,MET,EMP.1\n"                                 // 16 too few fields
            + "100002,MET,EMP.1,9,yesterday,mentor," + new string('x', 2001) + ",\n"); // 17 three problems

        Assert.Equal(
        [
            (2, "student", "Import.Problem.UnknownStudent"),
            (3, "framework", "Import.Problem.UnknownFramework"),
            (4, "standard", "Import.Problem.UnknownStandard"),
            (5, "score", "Import.Problem.BadScore"),
            (6, "score", "Import.Problem.ScoreOffScale"),
            (7, "score", "Import.Problem.ScorePrecision"),
            (8, "observed_on", "Import.Problem.BadDate"),
            (9, "observed_on", "Import.Problem.FutureDate"),
            (10, "source", "Import.Problem.UnknownSource"),
            (11, "student", "Import.Problem.Required"),
            (12, "external_id", "Import.Problem.ReservedExternalId"),
            (14, "external_id", "Import.Problem.DuplicateExternalId"),
            (15, "", "Import.Problem.DuplicateLine"),
            (16, "", "Import.Problem.ColumnCount"),
            (17, "score", "Import.Problem.ScoreOffScale"),
            (17, "observed_on", "Import.Problem.BadDate"),
            (17, "note", "Import.Problem.TooLong"),
        ], result.Problems.Select(p => (p.Line, p.Column, p.Key)));
        Assert.Equal(17, result.ProblemCount);
        Assert.Equal(["13"], result.Problems.Single(p => p.Line == 15).Arguments);
        Assert.Equal(["MET", "EMP.9"], result.Problems.Single(p => p.Line == 4).Arguments);
    }

    [Fact]
    public void A_missing_required_column_is_reported_on_the_header_line()
    {
        var result = Read("student,framework,standard,observed_on\n100001,MET,EMP.1,2026-11-02\n");

        Assert.Equal([(1, "score"), (1, "source")], result.Problems.Select(p => (p.Line, p.Column)));
        Assert.All(result.Problems, p => Assert.Equal("Import.Problem.MissingColumn", p.Key));
        Assert.Empty(result.Rows);
    }

    [Theory]
    [InlineData("", "Import.Problem.Empty")]
    [InlineData(Header, "Import.Problem.NoRows")]
    public void An_empty_file_says_so(string csv, string key) =>
        Assert.Equal(key, Assert.Single(Read(csv).Problems).Key);

    [Fact]
    public void A_date_is_noon_in_the_district_so_reimports_match_exactly()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

        Assert.Equal(new DateTimeOffset(2026, 11, 2, 17, 0, 0, TimeSpan.Zero), EvidenceImportReader.Noon(new DateOnly(2026, 11, 2), zone));
        Assert.Equal(new DateTimeOffset(2026, 7, 2, 16, 0, 0, TimeSpan.Zero), EvidenceImportReader.Noon(new DateOnly(2026, 7, 2), zone));
    }

    [Fact]
    public void The_template_reads_without_problems()
    {
        var template = EvidenceImportReader.Template("100001", "MET", "EMP.1", Today.AddDays(-1));

        var result = Read(template);

        Assert.Equal(0, result.ProblemCount);
        Assert.Equal(2, result.Rows.Count);
    }
}
