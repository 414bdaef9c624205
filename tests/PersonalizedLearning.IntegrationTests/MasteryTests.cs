using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Features.Mastery;

namespace PersonalizedLearning.IntegrationTests;

/// <summary>Evidence → rollup in one transaction, idempotent submissions, access, validation and voiding.</summary>
public class MasteryTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static string Teacher => AppFixture.DemoEmail(Roles.Teacher);

    private sealed record Arrangement(int SectionId, int[] Students, int Outsider, int OtherSection, int[] Standards);

    [Fact]
    public async Task Recording_for_a_class_updates_each_rollup_to_the_calculation_over_all_its_evidence()
    {
        var a = await ArrangeAsync();
        var standard = a.Standards[0];
        var students = a.Students.Take(3).ToArray();
        var auditBefore = await CountAsync("SELECT count(*) FROM access_audit WHERE action = 'evidence-recorded'");

        var result = await RecordAsync(a.SectionId, standard, Guid.NewGuid(), (students[0], 4m), (students[1], 1m), (students[2], 2.5m));

        Assert.True(result.Succeeded, result.ErrorKey);
        foreach (var student in students)
        {
            await AssertRollupMatchesEvidenceAsync(student, standard);
        }
        Assert.Equal(auditBefore + 3, await CountAsync("SELECT count(*) FROM access_audit WHERE action = 'evidence-recorded'"));

        await using var scope = await fixture.App.ScopeForAsync(Teacher);
        var grid = await fixture.Service<MasteryService>(scope).SectionGridAsync(a.SectionId, await FrameworkOfAsync(standard));
        var cell = Assert.Single(grid!.Cells, c => c.StudentId == students[1] && c.StandardId == standard);
        Assert.Equal(await RollupScoreAsync(students[1], standard), cell.Score);
        Assert.Equal(grid.Students.Count, grid.Students.Select(s => s.Id).Distinct().Count());
    }

    [Fact]
    public async Task A_retried_submission_with_the_same_idempotency_key_records_once()
    {
        var a = await ArrangeAsync();
        var standard = a.Standards[1];
        var key = Guid.NewGuid();
        var before = await EvidenceCountAsync(a.Students[0], standard);

        Assert.True((await RecordAsync(a.SectionId, standard, key, (a.Students[0], 3m), (a.Students[1], 2m))).Succeeded);
        Assert.True((await RecordAsync(a.SectionId, standard, key, (a.Students[0], 3m), (a.Students[1], 2m))).Succeeded);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => RecordAsync(a.SectionId, standard, key, (a.Students[0], 3m)))));

        Assert.Equal(before + 1, await EvidenceCountAsync(a.Students[0], standard));
        await AssertRollupMatchesEvidenceAsync(a.Students[0], standard);
    }

    [Fact]
    public async Task Concurrent_recordings_on_the_same_student_and_standard_all_count_in_the_rollup()
    {
        var a = await ArrangeAsync();
        var standard = a.Standards[2];
        var before = await EvidenceCountAsync(a.Students[2], standard);

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() =>
            RecordAsync(a.SectionId, standard, Guid.NewGuid(), (a.Students[2], 1m + (i % 4)), (a.Students[3], 2m)))));

        Assert.All(results, r => Assert.True(r.Succeeded, r.ErrorKey));
        Assert.Equal(before + 6, await EvidenceCountAsync(a.Students[2], standard));
        await AssertRollupMatchesEvidenceAsync(a.Students[2], standard);
        await AssertRollupMatchesEvidenceAsync(a.Students[3], standard);
    }

    [Fact]
    public async Task Many_single_writes_and_a_void_at_once_on_one_pair_leave_the_rollup_equal_to_the_method_over_all_evidence()
    {
        var a = await ArrangeAsync();
        var standard = a.Standards[6];
        var student = a.Students[5];
        Assert.True((await RecordAsync(a.SectionId, standard, Guid.NewGuid(), (student, 4m))).Succeeded);
        var toVoid = (await fixture.QueryAsync<long>(
            "SELECT id FROM evidence WHERE student_id = @p0 AND standard_id = @p1 ORDER BY id DESC LIMIT 1", student, standard)).Single();
        var before = await EvidenceCountAsync(student, standard);
        var audited = await CountAsync($"SELECT count(*) FROM access_audit WHERE action = 'evidence-recorded' AND student_id = {student}");
        var observed = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-1));
        var keys = Enumerable.Range(0, 12).Select(_ => Guid.NewGuid()).ToArray();

        // 12 teachers' writes (each sent twice: a retried commit must not record twice) and a void, all at once.
        var writes = keys.Concat(keys.Take(4)).Select((key, i) => Task.Run(async () =>
        {
            await using var scope = await fixture.App.ScopeForAsync(Teacher);
            return await fixture.Service<EvidenceService>(scope).RecordForStudentAsync(
                new StudentEvidence(student, standard, a.SectionId, 1m + (Array.IndexOf(keys, key) % 4), observed, key));
        }));
        var voiding = Task.Run(async () =>
        {
            await using var scope = await fixture.App.ScopeForAsync(Teacher);
            return await fixture.Service<EvidenceService>(scope).VoidAsync(toVoid, "Recorded twice");
        });
        var results = await Task.WhenAll(writes.Append(voiding));

        Assert.All(results, r => Assert.True(r.Succeeded, r.ErrorKey));
        Assert.Equal(before + 12, await EvidenceCountAsync(student, standard));
        Assert.Equal(audited + 12, await CountAsync($"SELECT count(*) FROM access_audit WHERE action = 'evidence-recorded' AND student_id = {student}"));
        Assert.Equal(["Recorded twice"], await fixture.QueryAsync<string>("SELECT void_reason FROM evidence WHERE id = @p0", toVoid));
        await AssertRollupMatchesEvidenceAsync(student, standard);
    }

    [Fact]
    public async Task A_write_chosen_as_a_deadlock_victim_is_retried_and_recorded_once()
    {
        var a = await ArrangeAsync();
        var standard = a.Standards[7];
        var student = a.Students[4];
        var before = await EvidenceCountAsync(student, standard);
        var key = Guid.NewGuid();

        // Another session holds the pair's lock, so the write waits for it after taking its evidence table lock.
        await using var other = new Npgsql.NpgsqlConnection(fixture.Db.Owner);
        await other.OpenAsync();
        await using (var hold = new Npgsql.NpgsqlCommand(
            $"SET deadlock_timeout = '10s'; BEGIN; SELECT pg_advisory_xact_lock({student}, {standard});", other))
        {
            await hold.ExecuteNonQueryAsync();
        }
        var write = Task.Run(async () =>
        {
            await using var scope = await fixture.App.ScopeForAsync(Teacher);
            return await fixture.Service<EvidenceService>(scope).RecordForStudentAsync(
                new StudentEvidence(student, standard, a.SectionId, 3m, DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-1)), key));
        });
        var waiting = $"SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'advisory'";
        for (var i = 0; i < 200 && await CountAsync(waiting) == 0; i++)
        {
            await Task.Delay(25);
        }
        Assert.Equal(1, await CountAsync(waiting));

        // Now the other session waits for the write's table lock: a deadlock, and the write (whose 1 s deadlock check
        // comes first) is its victim. The write is retried as a whole and waits until the other session ends.
        await using (var cycle = new Npgsql.NpgsqlCommand("LOCK TABLE evidence IN SHARE MODE; COMMIT;", other))
        {
            await cycle.ExecuteNonQueryAsync();
        }
        var result = await write;

        Assert.True(result.Succeeded, result.ErrorKey);
        Assert.Equal(before + 1, await EvidenceCountAsync(student, standard));
        Assert.Equal(1, await CountAsync($"SELECT count(*) FROM evidence WHERE external_id = '{EvidenceService.KeyFor(key, student)}'"));
        await AssertRollupMatchesEvidenceAsync(student, standard);
        // No connection of the app is left inside a transaction.
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'"));
    }

    [Fact]
    public async Task A_refused_write_leaves_no_open_transaction_and_the_next_write_succeeds()
    {
        var a = await ArrangeAsync();
        var standard = a.Standards[8];
        var total = await CountAsync("SELECT count(*) FROM evidence");

        // Refused after the read round trip (outside the teacher's sections; off the scale): nothing written, and the
        // transaction the read started is ended, so the pooled connection is clean for the next write.
        Assert.Equal("NotFoundBody", (await RecordAsync(a.SectionId, standard, Guid.NewGuid(), (a.Outsider, 3m))).ErrorKey);
        Assert.Equal("Mastery.Problem.ScoreOutOfScale", (await RecordAsync(a.SectionId, standard, Guid.NewGuid(), (a.Students[0], 9m))).ErrorKey);
        Assert.Equal(total, await CountAsync("SELECT count(*) FROM evidence"));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'"));

        Assert.True((await RecordAsync(a.SectionId, standard, Guid.NewGuid(), (a.Students[0], 2m))).Succeeded);
        Assert.Equal(total + 1, await CountAsync("SELECT count(*) FROM evidence"));
        await AssertRollupMatchesEvidenceAsync(a.Students[0], standard);
    }

    [Fact]
    public async Task A_teacher_cannot_record_or_read_evidence_for_a_student_outside_their_sections()
    {
        var a = await ArrangeAsync();
        var standard = a.Standards[3];
        var total = await CountAsync("SELECT count(*) FROM evidence");

        var outsider = await RecordAsync(a.SectionId, standard, Guid.NewGuid(), (a.Outsider, 3m));
        var mixed = await RecordAsync(a.SectionId, standard, Guid.NewGuid(), (a.Students[0], 3m), (a.Outsider, 3m));
        await using var scope = await fixture.App.ScopeForAsync(Teacher);
        var single = await fixture.Service<EvidenceService>(scope).RecordForStudentAsync(
            new StudentEvidence(a.Outsider, standard, null, 3m, DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-1)), Guid.NewGuid()));
        var mastery = fixture.Service<MasteryService>(scope);

        Assert.Equal("NotFoundBody", outsider.ErrorKey);
        Assert.Equal("NotFoundBody", mixed.ErrorKey);
        Assert.Equal("NotFoundBody", single.ErrorKey);
        Assert.Equal(total, await CountAsync("SELECT count(*) FROM evidence"));
        Assert.Null(await mastery.TimelineAsync(a.Outsider, standard));
        Assert.Null(await mastery.SectionGridAsync(a.OtherSection, null));
        Assert.NotNull(await mastery.TimelineAsync(a.Students[0], standard));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(4.01)]
    [InlineData(-1)]
    public async Task A_score_off_the_framework_scale_is_refused_and_nothing_is_written(double score)
    {
        var a = await ArrangeAsync();
        var total = await CountAsync("SELECT count(*) FROM evidence");

        var result = await RecordAsync(a.SectionId, a.Standards[4], Guid.NewGuid(), (a.Students[0], 3m), (a.Students[1], (decimal)score));

        Assert.Equal("Mastery.Problem.ScoreOutOfScale", result.ErrorKey);
        Assert.Equal([1m, 4m], result.Arguments.Cast<decimal>());
        Assert.Equal(total, await CountAsync("SELECT count(*) FROM evidence"));
    }

    [Fact]
    public async Task An_observed_date_in_the_future_is_refused()
    {
        var a = await ArrangeAsync();
        await using var scope = await fixture.App.ScopeForAsync(Teacher);

        var result = await fixture.Service<EvidenceService>(scope).RecordForClassAsync(new ClassEvidence(
            a.SectionId, a.Standards[4], DateOnly.FromDateTime(DateTime.UtcNow.AddDays(3)), Guid.NewGuid(), [new(a.Students[0], 3m)]));

        Assert.Equal("Mastery.Problem.FutureDate", result.ErrorKey);
    }

    [Fact]
    public async Task Voiding_evidence_keeps_it_recomputes_the_rollup_and_shows_in_why()
    {
        var a = await ArrangeAsync();
        var standard = a.Standards[5];
        var student = a.Students[4];
        Assert.True((await RecordAsync(a.SectionId, standard, Guid.NewGuid(), (student, 4m))).Succeeded);
        Assert.True((await RecordAsync(a.SectionId, standard, Guid.NewGuid(), (student, 1m))).Succeeded);
        var before = await RollupScoreAsync(student, standard);
        var id = (await fixture.QueryAsync<long>(
            "SELECT id FROM evidence WHERE student_id = @p0 AND standard_id = @p1 ORDER BY id DESC LIMIT 1", student, standard)).Single();
        await using var scope = await fixture.App.ScopeForAsync(Teacher);
        var evidence = fixture.Service<EvidenceService>(scope);

        Assert.Equal("Mastery.Problem.ReasonRequired", (await evidence.VoidAsync(id, "  ")).ErrorKey);
        Assert.True((await evidence.VoidAsync(id, "Scored the wrong student")).Succeeded);

        Assert.Equal(["Scored the wrong student"], await fixture.QueryAsync<string>("SELECT void_reason FROM evidence WHERE id = @p0", id));
        await AssertRollupMatchesEvidenceAsync(student, standard);
        Assert.True(await RollupScoreAsync(student, standard) > before);
        var why = await fixture.Service<MasteryService>(scope).TimelineAsync(student, standard);
        var voided = Assert.Single(why!.Items, i => i.Id == id);
        Assert.True(voided.Voided);
        Assert.Equal(0m, voided.Weight);
        Assert.Equal(1m, Math.Round(why.Items.Where(i => !i.Voided).Sum(i => i.Weight), 6));
        Assert.Equal(await RollupScoreAsync(student, standard), why.Score);
    }

    [Fact]
    public async Task A_students_next_steps_are_standards_whose_prerequisites_they_have_mastered()
    {
        int studentId, first, second, third;
        await using (var db = fixture.OwnerContext())
        {
            var email = AppFixture.DemoEmail(Roles.Student).ToUpperInvariant();
            studentId = await db.Students.Where(s => db.Users.Any(u => u.Id == s.UserId && u.NormalizedEmail == email)).Select(s => s.Id).SingleAsync();
            var math = await db.Standards.Where(s => s.Framework!.Code == "MATH68").ToDictionaryAsync(s => s.Code, s => s.Id);
            (first, second, third) = (math["6.RP.1"], math["7.RP.2"], math["8.EE.5"]);
            await db.MasteryRollups.Where(r => r.StudentId == studentId && (r.StandardId == first || r.StandardId == second || r.StandardId == third)).ExecuteDeleteAsync();
            db.MasteryRollups.Add(new MasteryRollup { StudentId = studentId, StandardId = first, Score = 3.5m, AtMastery = true, EvidenceCount = 2, UpdatedAt = DateTimeOffset.UtcNow });
            db.MasteryRollups.Add(new MasteryRollup { StudentId = studentId, StandardId = second, Score = 2m, AtMastery = false, EvidenceCount = 1, UpdatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }
        await using var scope = await fixture.App.ScopeForAsync(AppFixture.DemoEmail(Roles.Student));

        var mine = await fixture.Service<MasteryService>(scope).MyMasteryAsync();

        var math68 = Assert.Single(mine!.Frameworks, f => f.Standards.Any(s => s.Id == first));
        Assert.Contains(math68.NextSteps, s => s.Id == second);
        Assert.DoesNotContain(math68.NextSteps, s => s.Id == first || s.Id == third);
        Assert.All(math68.NextSteps, s => Assert.False(s.AtMastery));
        Assert.Equal("Developing", math68.Standards.Single(s => s.Id == second).Level?.Name);

        await using var teacher = await fixture.App.ScopeForAsync(Teacher);
        Assert.Null(await fixture.Service<MasteryService>(teacher).MyMasteryAsync());
    }

    private async Task<Web.Infrastructure.Result> RecordAsync(int sectionId, int standardId, Guid key, params (int Student, decimal Score)[] scores)
    {
        await using var scope = await fixture.App.ScopeForAsync(Teacher);
        return await fixture.Service<EvidenceService>(scope).RecordForClassAsync(new ClassEvidence(
            sectionId, standardId, DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-1)), key,
            [.. scores.Select(s => new ClassScore(s.Student, s.Score, "test"))]));
    }

    /// <summary>The stored rollup equals the calculator over every non-voided evidence of the pair, read independently.</summary>
    private async Task AssertRollupMatchesEvidenceAsync(int studentId, int standardId)
    {
        await using var db = fixture.OwnerContext();
        var framework = await db.Frameworks.Include(f => f.Levels).SingleAsync(f => f.Standards.Any(s => s.Id == standardId));
        var evidence = await db.Evidence.Where(e => e.StudentId == studentId && e.StandardId == standardId && e.VoidedAt == null).ToListAsync();
        var mastery = framework.Levels.Single(l => l.IsMastery).Points;
        var expected = MasteryCalculator.Calculate(
            evidence.Select(e => new ScoredEvidence(e.Id, e.Score, e.ObservedAt, e.RecordedAt)), framework.Method, framework.MethodParameter, mastery);
        var rollup = await db.MasteryRollups.SingleAsync(r => r.StudentId == studentId && r.StandardId == standardId);

        Assert.Equal(expected.Score, rollup.Score);
        Assert.Equal(evidence.Count, rollup.EvidenceCount);
        Assert.Equal(expected.Score >= mastery, rollup.AtMastery);
        Assert.Equal(evidence.Count == 0 ? null : evidence.Max(e => e.ObservedAt), rollup.LastEvidenceAt);
        Assert.Equal(MasteryCalculator.Version, rollup.MethodVersion);
    }

    private async Task<decimal?> RollupScoreAsync(int studentId, int standardId)
    {
        await using var db = fixture.OwnerContext();
        return await db.MasteryRollups.Where(r => r.StudentId == studentId && r.StandardId == standardId).Select(r => r.Score).SingleAsync();
    }

    private async Task<int> FrameworkOfAsync(int standardId)
    {
        await using var db = fixture.OwnerContext();
        return await db.Standards.Where(s => s.Id == standardId).Select(s => s.FrameworkId).SingleAsync();
    }

    private async Task<int> EvidenceCountAsync(int studentId, int standardId) =>
        (int)await CountAsync($"SELECT count(*) FROM evidence WHERE student_id = {studentId} AND standard_id = {standardId}");

    private async Task<long> CountAsync(string sql) => (await fixture.QueryAsync<long>(sql)).Single();

    private async Task<Arrangement> ArrangeAsync()
    {
        await using var db = fixture.OwnerContext();
        var teacher = await db.Users.Where(u => u.Email == Teacher).Select(u => u.Id).SingleAsync();
        var section = await db.Sections.Where(s => s.Active && s.Teachers.Any(t => t.TeacherUserId == teacher))
            .OrderBy(s => s.Id).Select(s => s.Id).FirstAsync();
        var students = await StudentsOf(db, section).OrderBy(id => id).Take(6).ToArrayAsync();
        var outsider = await db.Students.Where(s => s.Active && !s.Enrollments.Any(e => e.Section!.Teachers.Any(t => t.TeacherUserId == teacher)))
            .OrderBy(s => s.Id).Select(s => s.Id).FirstAsync();
        var other = await db.Sections.Where(s => s.Active && !s.Teachers.Any(t => t.TeacherUserId == teacher)).OrderBy(s => s.Id).Select(s => s.Id).FirstAsync();
        var standards = await db.Standards.Where(s => s.ParentId != null && s.Framework!.Code == "MET").OrderBy(s => s.SortOrder).Select(s => s.Id).ToArrayAsync();
        return new Arrangement(section, students, outsider, other, standards);
    }

    private static IQueryable<int> StudentsOf(AppDbContext db, int sectionId) =>
        db.Enrollments.Where(e => e.SectionId == sectionId && e.Active && e.Student!.Active).Select(e => e.StudentId);
}
