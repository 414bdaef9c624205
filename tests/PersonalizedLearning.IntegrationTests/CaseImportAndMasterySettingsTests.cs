using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Features.Mastery;
using PersonalizedLearning.Web.Features.MasterySettings;
using PersonalizedLearning.Web.Features.Standards;

namespace PersonalizedLearning.IntegrationTests;

/// <summary>CASE import (in place, all or nothing, admins only), mastery settings (recompute, concurrency) and grades.</summary>
public class CaseImportAndMasterySettingsTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static string Admin => AppFixture.DemoEmail(Roles.DistrictAdmin);

    private async Task<CaseImportOutcome> ImportAsync(string email, string json)
    {
        await using var scope = await fixture.App.ScopeForAsync(email);
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
        return await fixture.Service<CaseImportService>(scope).ImportAsync(stream);
    }

    private async Task<List<Standard>> ImportedStandardsAsync()
    {
        await using var db = fixture.OwnerContext();
        return await db.Standards.AsNoTracking().Include(s => s.Prerequisites)
            .Where(s => s.Framework!.CaseIdentifier == CaseSamples.DocumentId).OrderBy(s => s.SortOrder).ToListAsync();
    }

    [Fact]
    public async Task Importing_again_updates_in_place_and_keeps_standards_that_have_evidence()
    {
        var first = await ImportAsync(Admin, CaseSamples.Science());

        Assert.True(first.Succeeded, string.Join("; ", first.Problems.Select(p => $"{p.Path} {p.Key}")));
        Assert.Equal((true, 9, 0, 0, 3), (first.Summary!.FrameworkCreated, first.Summary.Created, first.Summary.Updated, first.Summary.Unchanged, first.Summary.Prerequisites));
        var before = await ImportedStandardsAsync();
        Assert.Equal(9, before.Count);
        var ps1a = before.Single(s => s.Code == "SCI.PS.1.a");
        Assert.Equal(before.Single(s => s.Code == "SCI.PS.1").Id, ps1a.ParentId);
        Assert.Equal([ps1a.Id], before.Single(s => s.Code == "SCI.PS.2.a").Prerequisites.Select(p => p.Id));
        await using (var db = fixture.OwnerContext())
        {
            var levels = await db.MasteryLevels.Where(l => l.FrameworkId == ps1a.FrameworkId).OrderBy(l => l.Points).ToListAsync();
            Assert.Equal(["Beginning", "Developing", "Proficient", "Advanced"], levels.Select(l => l.Name));
            Assert.Equal(3m, levels.Single(l => l.IsMastery).Points);
        }

        var second = await ImportAsync(Admin, CaseSamples.Science(ps1aStatement: "Model atoms, molecules and extended structures."));

        Assert.Equal((false, 0, 1, 8), (second.Summary!.FrameworkCreated, second.Summary.Created, second.Summary.Updated, second.Summary.Unchanged));
        var after = await ImportedStandardsAsync();
        Assert.Equal(before.Select(s => s.Id), after.Select(s => s.Id));
        Assert.Equal("Model atoms, molecules and extended structures.", after.Single(s => s.Id == ps1a.Id).Statement);
        Assert.Single(await fixture.QueryAsync<int>("SELECT id FROM competency_frameworks WHERE case_identifier = @p0", CaseSamples.DocumentId));

        // A student's evidence on LS1; then the package drops life science: LS goes, LS1 stays (it has evidence).
        var ls1 = after.Single(s => s.Code == "SCI.LS.1");
        var student = (await fixture.QueryAsync<int>("SELECT id FROM students ORDER BY id LIMIT 1")).Single();
        await using (var db = fixture.OwnerContext())
        {
            db.Evidence.Add(new Evidence { StudentId = student, StandardId = ls1.Id, Score = 3, ObservedAt = DateTimeOffset.UtcNow, RecordedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        var third = await ImportAsync(Admin, CaseSamples.Science(ps1aStatement: "Model atoms, molecules and extended structures.", withLifeScience: false));

        Assert.Equal((1, 1, 7), (third.Summary!.Removed, third.Summary.KeptWithEvidence, third.Summary.Unchanged));
        var last = await ImportedStandardsAsync();
        Assert.Contains(last, s => s.Id == ls1.Id);
        Assert.DoesNotContain(last, s => s.Code == "SCI.LS");
    }

    [Fact]
    public async Task A_broken_package_changes_nothing_and_reports_every_problem_by_path()
    {
        var counts = await CountsAsync();

        var outcome = await ImportAsync(Admin, CaseSamples.Broken());

        Assert.False(outcome.Succeeded);
        Assert.Equal("Case.Unusable", outcome.ErrorKey);
        Assert.Equal(CaseSamples.BrokenPaths.Order(), outcome.Problems.Where(p => p.IsError).Select(p => p.Path).Order());
        Assert.Equal(counts, await CountsAsync());
    }

    [Theory]
    [InlineData(Roles.Teacher)]
    [InlineData(Roles.Principal)]
    public async Task Only_a_district_admin_can_import_standards(string role)
    {
        var counts = await CountsAsync();

        var outcome = await ImportAsync(AppFixture.DemoEmail(role), CaseSamples.Science());

        Assert.False(outcome.Succeeded);
        Assert.Equal("AccessDeniedBody", outcome.ErrorKey);
        Assert.Equal(counts, await CountsAsync());
        await using var scope = await fixture.App.ScopeForAsync(AppFixture.DemoEmail(role));
        var settings = fixture.Service<MasterySettingsService>(scope);
        Assert.Empty(await settings.FrameworksAsync());
        Assert.Null(await settings.GetAsync(await MathFrameworkAsync()));
    }

    [Fact]
    public async Task Changing_the_method_recomputes_every_rollup_to_what_the_calculator_gives()
    {
        var math = await MathFrameworkAsync();
        await using var scope = await fixture.App.ScopeForAsync(Admin);
        var settings = fixture.Service<MasterySettingsService>(scope);
        var form = (await settings.GetAsync(math))!;
        var oldVersion = form.MethodVersion;
        form.Method = MasteryMethod.WeightedAverage;
        form.Parameter = 50;

        var saved = await settings.SaveAsync(form);

        Assert.True(saved.Saved);
        Assert.True(saved.Recompute);
        var dbf = fixture.App.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        // Small batches, each its own transaction, until nothing is stale (the hosted worker may be doing the same).
        while (await RollupRecompute.RecomputeBatchAsync(dbf, math, 7, DateTimeOffset.UtcNow, CancellationToken.None) > 0)
        {
        }

        var progress = await settings.ProgressAsync(math);
        Assert.True(progress.Total > 0);
        Assert.Equal(progress.Total, progress.Current);
        Assert.Empty(await fixture.QueryAsync<int>(
            "SELECT r.student_id FROM mastery_rollups r JOIN standards s ON s.id = r.standard_id WHERE s.framework_id = @p0 AND (r.method_version <> @p1 OR r.method <> 'WeightedAverage')",
            math, oldVersion + 1));

        // By hand: latest · 50% + mean(earlier) · 50%, on a few rollups with several scores.
        var samples = await fixture.QueryAsync<string>("""
            SELECT r.student_id || ':' || r.standard_id FROM mastery_rollups r JOIN standards s ON s.id = r.standard_id
            WHERE s.framework_id = @p0 AND r.evidence_count >= 3 ORDER BY r.student_id, r.standard_id LIMIT 3
            """, math);
        Assert.Equal(3, samples.Count);
        foreach (var pair in samples.Select(s => s.Split(':').Select(int.Parse).ToArray()))
        {
            await using var db = fixture.OwnerContext();
            var scores = await db.Evidence.Where(e => e.StudentId == pair[0] && e.StandardId == pair[1] && e.VoidedAt == null)
                .OrderBy(e => e.ObservedAt).ThenBy(e => e.RecordedAt).ThenBy(e => e.Id).Select(e => e.Score).ToListAsync();
            var expected = Math.Round(scores[^1] * 0.5m + scores.Take(scores.Count - 1).Average() * 0.5m, 4);
            var rollup = await db.MasteryRollups.SingleAsync(r => r.StudentId == pair[0] && r.StandardId == pair[1]);
            Assert.Equal(expected, rollup.Score);
            Assert.Equal(expected >= 3m, rollup.AtMastery);
        }

        // "Why this level" explains with the method the rollup was made with.
        var why = await fixture.Service<MasteryService>(scope).TimelineAsync(samples.Select(s => int.Parse(s.Split(':')[0])).First(),
            samples.Select(s => int.Parse(s.Split(':')[1])).First());
        Assert.Equal(MasteryMethod.WeightedAverage, why!.Method);
        Assert.False(why.RecomputePending);
    }

    [Fact]
    public async Task Two_admins_saving_at_once_get_a_conflict_not_a_silent_overwrite()
    {
        var met = (await fixture.QueryAsync<int>("SELECT id FROM competency_frameworks WHERE code = 'MET'")).Single();
        await using var first = await fixture.App.ScopeForAsync(Admin);
        await using var second = await fixture.App.ScopeForAsync(Admin);
        var mine = (await fixture.Service<MasterySettingsService>(first).GetAsync(met))!;
        var theirs = (await fixture.Service<MasterySettingsService>(second).GetAsync(met))!;

        theirs.Levels[0].Name = "Getting started";
        Assert.True((await fixture.Service<MasterySettingsService>(second).SaveAsync(theirs)).Saved);
        mine.Levels[0].Name = "Just beginning";
        var outcome = await fixture.Service<MasterySettingsService>(first).SaveAsync(mine);

        Assert.True(outcome.Conflict);
        Assert.Equal("MasterySettings.Conflict", outcome.Problems.Single().Key);
        Assert.Equal("Getting started", outcome.Current!.Levels[0].Name);
        Assert.Equal(["Getting started"], await fixture.QueryAsync<string>(
            "SELECT name FROM mastery_levels WHERE framework_id = @p0 AND points = 1", met));
    }

    [Fact]
    public async Task Settings_out_of_range_are_refused_with_the_allowed_range()
    {
        var math = await MathFrameworkAsync();
        await using var scope = await fixture.App.ScopeForAsync(Admin);
        var settings = fixture.Service<MasterySettingsService>(scope);
        var form = (await settings.GetAsync(math))!;
        form.Method = MasteryMethod.DecayingAverage;
        form.Parameter = 40;
        form.Levels.ForEach(l => l.IsMastery = false);

        var outcome = await settings.SaveAsync(form);

        Assert.False(outcome.Saved);
        Assert.Contains(outcome.Problems, p => p.Key == "MasterySettings.Problem.Parameter.DecayingAverage" && (int)p.Args[0] == 50 && (int)p.Args[1] == 99);
        Assert.Contains(outcome.Problems, p => p.Key == "MasterySettings.Problem.OneMastery");
    }

    [Fact]
    public async Task The_report_card_grade_is_validated_and_shown_beside_the_students_mastery()
    {
        await using (var scope = await fixture.App.ScopeForAsync(Admin))
        {
            var settings = fixture.Service<MasterySettingsService>(scope);
            var version = (await settings.GradesAsync())!.Version;
            var overlapping = await settings.SaveGradesAsync([
                new GradeRowInput { From = 3m, To = 4m, Grade = "P" }, new GradeRowInput { From = 1m, To = 3m, Grade = "N" }], version);
            Assert.Equal("Grades.Problem.Overlap", Assert.Single(overlapping).Key);
            Assert.Equal(4, (await settings.GradesAsync())!.Rows.Count); // the demo table is untouched

            Assert.Empty(await settings.SaveGradesAsync([
                new GradeRowInput { From = 3m, To = 4m, Grade = "P" }, new GradeRowInput { From = 1m, To = 2.99m, Grade = "N" }], version));
        }

        await using var student = await fixture.App.ScopeForAsync(AppFixture.DemoEmail(Roles.Student));
        var mine = await fixture.Service<MasteryService>(student).MyMasteryAsync();
        var scored = mine!.Frameworks.SelectMany(f => f.Standards).Where(s => s.Score is not null).ToList();
        Assert.NotEmpty(scored);
        Assert.All(scored, s => Assert.Equal(s.Score >= 3m ? "P" : "N", s.ReportCardGrade));
        Assert.All(scored, s => Assert.NotNull(s.Level)); // the mastery level is still there

        // The staff student record shows the grade of the student's average mastery beside each framework's progress.
        await using var admin = await fixture.App.ScopeForAsync(Admin);
        var record = await fixture.Service<PersonalizedLearning.Web.Features.Students.StudentRecordService>(admin).GetAsync(mine.StudentId);
        var graded = record!.Mastery.Where(f => f.AverageScore is not null).ToList();
        Assert.NotEmpty(graded);
        Assert.All(graded, f => Assert.Equal(f.AverageScore >= 3m ? "P" : "N", f.ReportCardGrade));
        Assert.All(record.Mastery.Where(f => f.WithEvidence == 0), f => Assert.Null(f.ReportCardGrade));
    }

    [Fact]
    public async Task A_second_admins_stale_save_of_the_grade_table_is_refused_and_changes_nothing()
    {
        await using var first = await fixture.App.ScopeForAsync(Admin);
        await using var second = await fixture.App.ScopeForAsync(Admin);
        var mine = (await fixture.Service<MasterySettingsService>(first).GradesAsync())!;
        var theirs = (await fixture.Service<MasterySettingsService>(second).GradesAsync())!;
        Assert.Equal(mine.Version, theirs.Version);

        Assert.Empty(await fixture.Service<MasterySettingsService>(first).SaveGradesAsync([
            new GradeRowInput { From = 3m, To = 4m, Grade = "Pass" }, new GradeRowInput { From = 1m, To = 2.99m, Grade = "Not yet" }], mine.Version));
        var afterFirst = await fixture.QueryAsync<string>("SELECT grade || ':' || to_char(from_score, 'FM0.00') || '-' || to_char(to_score, 'FM0.00') FROM report_card_bands ORDER BY from_score");

        var stale = await fixture.Service<MasterySettingsService>(second).SaveGradesAsync([
            new GradeRowInput { From = 2m, To = 4m, Grade = "S" }, new GradeRowInput { From = 1m, To = 1.99m, Grade = "U" }], theirs.Version);

        Assert.Equal("Grades.Conflict", Assert.Single(stale).Key);
        Assert.Equal(afterFirst, await fixture.QueryAsync<string>("SELECT grade || ':' || to_char(from_score, 'FM0.00') || '-' || to_char(to_score, 'FM0.00') FROM report_card_bands ORDER BY from_score"));
        Assert.Equal(["Not yet:1.00-2.99", "Pass:3.00-4.00"], afterFirst);

        // Loading their table gives the current version: the retried save goes through.
        var reloaded = (await fixture.Service<MasterySettingsService>(second).GradesAsync())!;
        Assert.Equal(["Pass", "Not yet"], reloaded.Rows.Select(r => r.Grade));
        Assert.Empty(await fixture.Service<MasterySettingsService>(second).SaveGradesAsync([
            new GradeRowInput { From = 2m, To = 4m, Grade = "S" }, new GradeRowInput { From = 1m, To = 1.99m, Grade = "U" }], reloaded.Version));

        // Put the demo table back for the other tests of this class (they share the database).
        var latest = (await fixture.Service<MasterySettingsService>(first).GradesAsync())!;
        Assert.Empty(await fixture.Service<MasterySettingsService>(first).SaveGradesAsync(mine.Rows, latest.Version));
    }

    private async Task<int> MathFrameworkAsync() =>
        (await fixture.QueryAsync<int>("SELECT id FROM competency_frameworks WHERE code = 'MATH68'")).Single();

    private async Task<(long, long, long)> CountsAsync() => (
        (await fixture.QueryAsync<long>("SELECT count(*) FROM competency_frameworks")).Single(),
        (await fixture.QueryAsync<long>("SELECT count(*) FROM standards")).Single(),
        (await fixture.QueryAsync<long>("SELECT count(*) FROM standard_prerequisites")).Single());
}
