using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Features.Mastery;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.IntegrationTests;

/// <summary>Bulk evidence import against the real database: validation first, one transaction, idempotent, scoped.</summary>
public class EvidenceImportTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static string Teacher => AppFixture.DemoEmail(Roles.Teacher);
    private static string Admin => AppFixture.DemoEmail(Roles.DistrictAdmin);

    private sealed record Pupil(int Id, string Number, string SourcedId);

    private sealed record Arrangement(Pupil[] Students, Pupil Outsider, string[] MetCodes);

    [Theory]
    [InlineData(MasteryMethod.DecayingAverage, 65, 0)]
    [InlineData(MasteryMethod.DecayingAverage, 80, 1)]
    [InlineData(MasteryMethod.WeightedAverage, 65, 2)]
    [InlineData(MasteryMethod.NTimesAtMastery, 2, 3)]
    [InlineData(MasteryMethod.MostRecent, 0, 4)]
    [InlineData(MasteryMethod.Highest, 0, 5)]
    [InlineData(MasteryMethod.Average, 0, 6)]
    public async Task Import_adds_the_evidence_and_each_rollup_equals_the_calculator(MasteryMethod method, int parameter, int slot)
    {
        var a = await ArrangeAsync();
        await using (var db = fixture.OwnerContext())
        {
            await db.Frameworks.Where(f => f.Code == "MET").ExecuteUpdateAsync(u => u.SetProperty(f => f.Method, method).SetProperty(f => f.MethodParameter, parameter));
        }
        var code = a.MetCodes[slot];
        var random = new Random(slot + 7);
        var lines = new List<string>();
        var day = new DateOnly(2026, 9, 1);
        foreach (var student in a.Students.Take(5))
        {
            // 1–6 scores in half steps, some on the same day (ties keep file order), mixed sources.
            for (var k = random.Next(1, 7); k > 0; k--)
            {
                var score = (random.Next(2, 9) / 2m).ToString("0.0", CultureInfo.InvariantCulture);
                lines.Add(Line(student.Number, "MET", code, score, day.AddDays(random.Next(0, 20)), k % 2 == 0 ? "teacher" : "External App"));
            }
        }
        var evidenceBefore = await CountAsync("SELECT count(*) FROM evidence");
        var auditBefore = await CountAsync("SELECT count(*) FROM access_audit WHERE action = 'evidence-imported'");

        var result = await ImportAsync(Admin, Csv(lines.Distinct()));

        Assert.True(result.Succeeded, string.Join("; ", result.Problems.Select(p => $"{p.Line} {p.Column} {p.Key}")));
        Assert.True(result.Applied);
        Assert.Equal(lines.Distinct().Count(), result.Added);
        Assert.Equal(evidenceBefore + result.Added, await CountAsync("SELECT count(*) FROM evidence"));
        Assert.Equal(5, result.StudentsTouched);
        Assert.Equal(auditBefore + 5, await CountAsync("SELECT count(*) FROM access_audit WHERE action = 'evidence-imported'"));
        var standardId = await StandardIdAsync(code);
        foreach (var student in a.Students.Take(5))
        {
            await AssertRollupMatchesEvidenceAsync(student.Id, standardId);
            Assert.Equal(method, await fixture.QueryAsync<string>("SELECT method FROM mastery_rollups WHERE student_id = @p0 AND standard_id = @p1", student.Id, standardId).ContinueWith(t => Enum.Parse<MasteryMethod>(t.Result.Single()), TaskScheduler.Default));
        }
    }

    [Fact]
    public async Task Reimporting_the_same_file_adds_nothing()
    {
        var a = await ArrangeAsync();
        var code = a.MetCodes[7];
        var csv = Csv([
            Line(a.Students[0].Number, "MET", code, "3", new DateOnly(2026, 10, 5), "teacher"),
            Line(a.Students[1].SourcedId, "met", code, "2.5", new DateOnly(2026, 10, 5), "SelfAssessment", "Reflection"),
            Line(a.Students[1].Number, "MET", code, "4", new DateOnly(2026, 10, 6), "self-assessment"),
        ]);

        var first = await ImportAsync(Teacher, csv);
        var evidence = await CountAsync("SELECT count(*) FROM evidence");
        var audit = await CountAsync("SELECT count(*) FROM access_audit WHERE action = 'evidence-imported'");
        var second = await ImportAsync(Teacher, csv);

        Assert.Equal((3, 0, 2), (first.Added, first.AlreadyThere, first.StudentsTouched));
        Assert.True(second.Succeeded);
        Assert.Equal((0, 3, 0), (second.Added, second.AlreadyThere, second.StudentsTouched));
        Assert.Equal(evidence, await CountAsync("SELECT count(*) FROM evidence"));
        Assert.Equal(audit, await CountAsync("SELECT count(*) FROM access_audit WHERE action = 'evidence-imported'"));
        await AssertRollupMatchesEvidenceAsync(a.Students[1].Id, await StandardIdAsync(code));
    }

    [Fact]
    public async Task A_file_with_one_bad_line_applies_nothing_and_says_which_line_and_column()
    {
        var a = await ArrangeAsync();
        var code = a.MetCodes[8];
        var before = await CountAsync("SELECT count(*) FROM evidence");

        var result = await ImportAsync(Admin, Csv([
            Line(a.Students[0].Number, "MET", code, "3", new DateOnly(2026, 10, 5), "teacher"),
            Line(a.Students[1].Number, "MET", code, "9", new DateOnly(2026, 10, 5), "teacher"),
            Line(a.Students[2].Number, "MET", code, "2", new DateOnly(2026, 10, 5), "teacher"),
        ]));

        Assert.False(result.Applied);
        var problem = Assert.Single(result.Problems);
        Assert.Equal((3, "Score", "Import.Problem.ScoreOffScale"), (problem.Line, problem.Column, problem.Key));
        Assert.Equal(["9", "1", "4", "MET"], problem.Arguments);
        Assert.Equal(before, await CountAsync("SELECT count(*) FROM evidence"));
    }

    [Fact]
    public async Task A_teacher_cannot_import_for_a_student_outside_their_sections_but_the_district_admin_can()
    {
        var a = await ArrangeAsync();
        var code = a.MetCodes[9];
        var csv = Csv([
            Line(a.Students[0].Number, "MET", code, "3", new DateOnly(2026, 10, 7), "teacher"),
            Line(a.Outsider.Number, "MET", code, "3", new DateOnly(2026, 10, 7), "teacher"),
        ]);
        var before = await CountAsync("SELECT count(*) FROM evidence");

        var refused = await ImportAsync(Teacher, csv);

        var problem = Assert.Single(refused.Problems);
        Assert.Equal((3, "Student", "Import.Problem.UnknownStudent"), (problem.Line, problem.Column, problem.Key));
        Assert.Equal(before, await CountAsync("SELECT count(*) FROM evidence"));

        await using (var scope = await fixture.App.ScopeForAsync(AppFixture.DemoEmail(Roles.Guardian)))
        {
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(csv));
            var guardian = await fixture.Service<EvidenceImportService>(scope).ImportAsync(stream, null, CancellationToken.None);
            Assert.Equal("Import.Problem.NotAllowed", Assert.Single(guardian.Problems).Key);
        }

        var admin = await ImportAsync(Admin, csv);
        Assert.Equal(2, admin.Added);
    }

    [Fact]
    public async Task A_row_with_an_external_id_already_imported_is_the_same_even_when_its_score_changed()
    {
        var a = await ArrangeAsync();
        var code = a.MetCodes[10];
        var first = await ImportAsync(Admin, Csv([Line(a.Students[3].Number, "MET", code, "2", new DateOnly(2026, 10, 8), "external", "", "app-77")]));
        var second = await ImportAsync(Admin, Csv([
            Line(a.Students[3].Number, "MET", code, "3", new DateOnly(2026, 10, 9), "external", "", "app-77"),
            Line(a.Students[3].Number, "MET", code, "4", new DateOnly(2026, 10, 9), "external", "", "app-78"),
        ]));

        Assert.Equal(1, first.Added);
        Assert.Equal((1, 1), (second.Added, second.AlreadyThere));
        Assert.Equal([2m, 4m], await fixture.QueryAsync<decimal>(
            "SELECT score FROM evidence WHERE student_id = @p0 AND standard_id = @p1 AND external_id LIKE 'app-%' ORDER BY external_id",
            a.Students[3].Id, await StandardIdAsync(code)));
    }

    [Fact]
    public async Task A_file_mixing_rows_already_there_voided_ones_included_with_new_and_back_dated_rows_adds_only_the_new_ones()
    {
        var a = await ArrangeAsync();
        var code = a.MetCodes[^1];
        var standardId = await StandardIdAsync(code);
        string[] firstLines =
        [
            Line(a.Students[0].Number, "MET", code, "2", new DateOnly(2026, 10, 1), "teacher"),
            Line(a.Students[0].Number, "MET", code, "3", new DateOnly(2026, 10, 3), "teacher"),
            Line(a.Students[0].Number, "MET", code, "1", new DateOnly(2026, 10, 2), "external", "", "mix-1"),
            Line(a.Students[1].Number, "MET", code, "4", new DateOnly(2026, 10, 2), "teacher"),
        ];
        var first = await ImportAsync(Admin, Csv(firstLines));
        // A voided row is still "the same" as a later identical line: voiding never invites it back in.
        await using (var db = fixture.OwnerContext())
        {
            await db.Evidence.Where(e => e.StudentId == a.Students[0].Id && e.StandardId == standardId && e.Score == 3m)
                .ExecuteUpdateAsync(u => u.SetProperty(e => e.VoidedAt, DateTimeOffset.UtcNow).SetProperty(e => e.VoidReason, "Entered twice"));
        }
        var evidenceBefore = await CountAsync("SELECT count(*) FROM evidence");

        var second = await ImportAsync(Admin, Csv([
            .. firstLines,
            Line(a.Students[0].Number, "MET", code, "3.5", new DateOnly(2026, 9, 20), "teacher"), // before the pair's history
            Line(a.Students[0].Number, "MET", code, "4", new DateOnly(2026, 10, 10), "teacher"),  // after it
            Line(a.Students[1].Number, "MET", code, "1", new DateOnly(2026, 10, 2), "mentor"),    // same day, another source
            Line(a.Students[1].Number, "MET", code, "2", new DateOnly(2026, 10, 2), "external", "", "mix-2"),
        ]));

        Assert.Equal((4, 0), (first.Added, first.AlreadyThere));
        Assert.True(second.Succeeded);
        Assert.Equal((4, 4, 2), (second.Added, second.AlreadyThere, second.StudentsTouched));
        Assert.Equal(evidenceBefore + 4, await CountAsync("SELECT count(*) FROM evidence"));
        await AssertRollupMatchesEvidenceAsync(a.Students[0].Id, standardId);
        await AssertRollupMatchesEvidenceAsync(a.Students[1].Id, standardId);
        Assert.Equal([3.5m, 2m, 1m, 4m], await fixture.QueryAsync<decimal>(
            "SELECT score FROM evidence WHERE student_id = @p0 AND standard_id = @p1 AND voided_at IS NULL ORDER BY observed_at, recorded_at, id",
            a.Students[0].Id, standardId));
    }

    [Fact]
    public async Task Rows_of_one_pair_observed_the_same_day_keep_the_file_order_whatever_order_the_file_is_in()
    {
        var a = await ArrangeAsync();
        await using (var db = fixture.OwnerContext())
        {
            await db.Frameworks.Where(f => f.Code == "MET").ExecuteUpdateAsync(u => u.SetProperty(f => f.Method, MasteryMethod.MostRecent).SetProperty(f => f.MethodParameter, 0));
        }
        var code = a.MetCodes[12];
        var (later, earlier) = (a.Students[5], a.Students[0]);
        // The later student first, dates out of order; on Oct 20 the file lists 4 before 2, and 1.5 before 3.5.
        var result = await ImportAsync(Admin, Csv([
            Line(later.Number, "MET", code, "4", new DateOnly(2026, 10, 20), "teacher"),
            Line(earlier.Number, "MET", code, "1.5", new DateOnly(2026, 10, 20), "teacher"),
            Line(later.Number, "MET", code, "3", new DateOnly(2026, 10, 18), "teacher"),
            Line(earlier.Number, "MET", code, "3.5", new DateOnly(2026, 10, 20), "mentor"),
            Line(later.Number, "MET", code, "2", new DateOnly(2026, 10, 20), "mentor"),
        ]));

        Assert.True(result.Succeeded);
        Assert.Equal(5, result.Added);
        var standardId = await StandardIdAsync(code);
        // Most recent = the last of the latest day in file order.
        Assert.Equal(2m, (await fixture.QueryAsync<decimal>("SELECT score FROM mastery_rollups WHERE student_id = @p0 AND standard_id = @p1", later.Id, standardId)).Single());
        Assert.Equal(3.5m, (await fixture.QueryAsync<decimal>("SELECT score FROM mastery_rollups WHERE student_id = @p0 AND standard_id = @p1", earlier.Id, standardId)).Single());
        // The ids keep the file's order among rows of one day, so a later recompute agrees.
        var sameDay = await fixture.QueryAsync<decimal>(
            "SELECT score FROM evidence WHERE student_id = @p0 AND standard_id = @p1 AND observed_at::date = '2026-10-20' ORDER BY id", later.Id, standardId);
        Assert.Equal(2, sameDay.Count);
        Assert.Equal(4m, sameDay[0]);
        Assert.Equal(2m, sameDay[1]);
        await AssertRollupMatchesEvidenceAsync(later.Id, standardId);
        await AssertRollupMatchesEvidenceAsync(earlier.Id, standardId);
    }

    [Fact]
    public async Task Open_pages_hear_about_imported_students_through_the_change_feed()
    {
        var a = await ArrangeAsync();
        var feed = fixture.App.Services.GetRequiredService<ChangeFeed>();
        await feed.Listening.WaitAsync(TimeSpan.FromSeconds(10));
        var heard = new TaskCompletionSource<StudentChanged>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = feed.Subscribe([a.Students[4].Id], change => { heard.TrySetResult(change); return Task.CompletedTask; });

        await ImportAsync(Admin, Csv([
            Line(a.Students[4].Number, "MET", a.MetCodes[11], "3", new DateOnly(2026, 10, 12), "mentor"),
            Line(a.Students[5].Number, "MET", a.MetCodes[11], "3", new DateOnly(2026, 10, 12), "mentor"),
        ]));

        var change = await heard.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(new StudentChanged(a.Students[4].Id, "evidence"), change);
    }

    private async Task<EvidenceImportResult> ImportAsync(string email, string csv)
    {
        await using var scope = await fixture.App.ScopeForAsync(email);
        var me = await fixture.Service<CurrentUser>(scope).GetAsync();
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(csv));
        return await fixture.Service<EvidenceImportService>(scope).ImportAsync(me, stream, null, CancellationToken.None);
    }

    private static string Line(string student, string framework, string standard, string score, DateOnly observed, string source, string note = "", string externalId = "") =>
        $"{student},{framework},{standard},{score},{observed:yyyy-MM-dd},{source},{note},{externalId}";

    private static string Csv(IEnumerable<string> lines) =>
        "Student,Framework,Standard,Score,Observed On,Source,Note,External ID\n" + string.Join("\n", lines) + "\n";

    /// <summary>The stored rollup equals MasteryCalculator over every non-voided evidence of the pair, read independently.</summary>
    private async Task AssertRollupMatchesEvidenceAsync(int studentId, int standardId)
    {
        await using var db = fixture.OwnerContext();
        var framework = await db.Frameworks.Include(f => f.Levels).SingleAsync(f => f.Standards.Any(s => s.Id == standardId));
        var evidence = await db.Evidence.Where(e => e.StudentId == studentId && e.StandardId == standardId && e.VoidedAt == null).ToListAsync();
        var mastery = framework.Levels.Single(l => l.IsMastery).Points;
        var expected = MasteryCalculator.Calculate(
            evidence.Select(e => new ScoredEvidence(e.Id, e.Score, e.ObservedAt, e.RecordedAt)), framework.Method, framework.MethodParameter, mastery);
        var rollup = await db.MasteryRollups.SingleAsync(r => r.StudentId == studentId && r.StandardId == standardId);

        Assert.Equal(framework.Method, rollup.Method);
        Assert.Equal(expected.Score, rollup.Score);
        Assert.Equal(evidence.Count, rollup.EvidenceCount);
        Assert.Equal(expected.Score >= mastery, rollup.AtMastery);
        Assert.Equal(evidence.Max(e => e.ObservedAt), rollup.LastEvidenceAt);
        Assert.Equal(MasteryCalculator.Version, rollup.MethodVersion);
    }

    private async Task<int> StandardIdAsync(string code)
    {
        await using var db = fixture.OwnerContext();
        return await db.Standards.Where(s => s.Code == code && s.Framework!.Code == "MET").Select(s => s.Id).SingleAsync();
    }

    private async Task<long> CountAsync(string sql) => (await fixture.QueryAsync<long>(sql)).Single();

    private async Task<Arrangement> ArrangeAsync()
    {
        await using var db = fixture.OwnerContext();
        var teacher = await db.Users.Where(u => u.Email == Teacher).Select(u => u.Id).SingleAsync();
        var section = await db.Sections.Where(s => s.Active && s.Teachers.Any(t => t.TeacherUserId == teacher)).OrderBy(s => s.Id).Select(s => s.Id).FirstAsync();
        var students = await db.Students.Where(s => s.Active && s.Enrollments.Any(e => e.SectionId == section && e.Active))
            .OrderBy(s => s.Id).Take(6).Select(s => new Pupil(s.Id, s.StudentNumber, s.SourcedId)).ToArrayAsync();
        var outsider = await db.Students.Where(s => s.Active && !s.Enrollments.Any(e => e.Section!.Teachers.Any(t => t.TeacherUserId == teacher)))
            .OrderBy(s => s.Id).Select(s => new Pupil(s.Id, s.StudentNumber, s.SourcedId)).FirstAsync();
        var codes = await db.Standards.Where(s => s.ParentId != null && s.Framework!.Code == "MET").OrderBy(s => s.SortOrder).Select(s => s.Code).ToArrayAsync();
        return new Arrangement(students, outsider, codes);
    }
}
