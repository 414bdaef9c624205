using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Features.Advisory;

namespace PersonalizedLearning.IntegrationTests;

/// <summary>The demo district with the app's clock on Monday 2026-11-23, 9:00 in Chicago (a school day; seeded data ends Friday the 20th).</summary>
public sealed class AdvisoryFixture : AppFixture
{
    public static readonly DateOnly Monday = new(2026, 11, 23);

    protected override TimeProvider? Clock => new ShiftedTimeProvider(new DateTimeOffset(2026, 11, 23, 15, 0, 0, TimeSpan.Zero));
}

public class AdvisoryTests(AdvisoryFixture fixture) : IClassFixture<AdvisoryFixture>
{
    private static readonly DateOnly Monday = AdvisoryFixture.Monday;
    private const string UserIdOf = "(SELECT id FROM users WHERE normalized_email = upper(@p0))";

    private Task<int> StudentOfAsync(string email) =>
        Single<int>($"SELECT id FROM students WHERE user_id = {UserIdOf}", email);

    private async Task<T> Single<T>(string sql, params object[] args) => (await fixture.QueryAsync<T>(sql, args)).First();

    private Task<long> RowsAsync(int studentId, DateOnly day) =>
        Single<long>("SELECT count(*) FROM check_ins WHERE student_id = @p0 AND day = @p1", studentId, day);

    [Fact]
    public async Task Ten_concurrent_saves_for_the_same_student_and_day_make_one_row()
    {
        var advisor = AppFixture.DemoEmail(Roles.Advisor);
        var student = await Single<int>(
            $"SELECT s.id FROM students s JOIN advisories a ON a.id = s.advisory_id WHERE a.advisor_user_id = {UserIdOf} ORDER BY s.id DESC LIMIT 1", advisor);

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(async () =>
        {
            await using var scope = await fixture.App.ScopeForAsync(advisor);
            return await fixture.Service<CheckInService>(scope).SaveAsync(new CheckInInput
            {
                StudentId = student,
                Day = Monday,
                Mood = 1 + (i % 5),
                TodayGoal = $"goal {i}",
            });
        })));

        Assert.All(results, r => Assert.True(r.Ok, r.ErrorKey));
        Assert.Equal(1, await RowsAsync(student, Monday));
    }

    [Fact]
    public async Task The_students_reflection_and_the_advisors_confirmation_at_the_same_time_merge_into_one_row()
    {
        var studentEmail = AppFixture.DemoEmail(Roles.Student);
        var advisor = AppFixture.DemoEmail(Roles.Advisor);
        var student = await StudentOfAsync(studentEmail);
        await fixture.QueryAsync<int>("DELETE FROM check_ins WHERE student_id = @p0 AND day = @p1 RETURNING 1", student, Monday);

        var saves = Enumerable.Range(0, 10).Select(i => Task.Run(async () =>
        {
            await using var scope = await fixture.App.ScopeForAsync(i % 2 == 0 ? studentEmail : advisor);
            var service = fixture.Service<CheckInService>(scope);
            return i % 2 == 0
                ? await service.SaveMineAsync(new ReflectionInput { Mood = 4, TodayGoal = "Finish my lab report", Progress = "Wrote the method", NeedsHelp = true, HelpWith = "graphs" })
                : await service.SaveAsync(new CheckInInput { StudentId = student, Day = Monday, Mood = 4, AdvisorNote = "Talked about graphs" });
        }));
        var results = await Task.WhenAll(saves);

        Assert.All(results, r => Assert.True(r.Ok, r.ErrorKey));
        Assert.Equal(1, await RowsAsync(student, Monday));
        await using var db = fixture.OwnerContext();
        var row = await db.CheckIns.AsNoTracking().SingleAsync(c => c.StudentId == student && c.Day == Monday);
        Assert.Equal("Finish my lab report", row.TodayGoal);
        Assert.Equal("Talked about graphs", row.AdvisorNote);
    }

    [Fact]
    public async Task An_advisor_cannot_record_a_check_in_for_a_student_outside_the_advisory()
    {
        var advisor = AppFixture.DemoEmail(Roles.Advisor);
        var outsider = await Single<int>(
            $"SELECT s.id FROM students s JOIN advisories a ON a.id = s.advisory_id WHERE a.advisor_user_id <> {UserIdOf} ORDER BY s.id LIMIT 1", advisor);
        var before = await Single<long>("SELECT count(*) FROM check_ins WHERE student_id = @p0", outsider);
        await using var scope = await fixture.App.ScopeForAsync(advisor);

        var result = await fixture.Service<CheckInService>(scope).SaveAsync(new CheckInInput { StudentId = outsider, Day = Monday, Mood = 3 });

        Assert.Equal(Result.NotFound, result);
        Assert.Equal(before, await Single<long>("SELECT count(*) FROM check_ins WHERE student_id = @p0", outsider));
        Assert.Null(await fixture.Service<CheckInService>(scope).HistoryAsync(outsider));
    }

    [Fact]
    public async Task Earlier_days_need_a_reason_and_weekends_are_refused()
    {
        var advisor = AppFixture.DemoEmail(Roles.Advisor);
        var student = await StudentOfAsync(AppFixture.DemoEmail(Roles.Student));
        await using var scope = await fixture.App.ScopeForAsync(advisor);
        var service = fixture.Service<CheckInService>(scope);
        var friday = new DateOnly(2026, 11, 20);

        Assert.Equal("CheckIn.BackfillReasonRequired", (await service.SaveAsync(new CheckInInput { StudentId = student, Day = friday, Mood = 3 })).ErrorKey);
        Assert.Equal("CheckIn.NotSchoolDay", (await service.SaveAsync(new CheckInInput { StudentId = student, Day = friday.AddDays(1), Mood = 3, BackfillReason = "late" })).ErrorKey);
        Assert.Equal("CheckIn.FutureDay", (await service.SaveAsync(new CheckInInput { StudentId = student, Day = Monday.AddDays(1), Mood = 3 })).ErrorKey);
        Assert.True((await service.SaveAsync(new CheckInInput { StudentId = student, Day = friday, Mood = 3, BackfillReason = "Advisory met in the library" })).Ok);
        Assert.Equal("Advisory met in the library", await Single<string>("SELECT backfill_reason FROM check_ins WHERE student_id = @p0 AND day = @p1", student, friday));
    }

    [Fact]
    public async Task Private_notes_reach_only_the_advisor_and_the_principal_shared_notes_also_the_student_and_guardian()
    {
        var studentEmail = AppFixture.DemoEmail(Roles.Student);
        var student = await StudentOfAsync(studentEmail);
        var advisory = await Single<int>("SELECT advisory_id FROM students WHERE id = @p0", student);
        const string Private = "Private: worried about home";
        const string Shared = "Shared: great lab work";
        await using (var db = fixture.OwnerContext())
        {
            // A Saturday and a Sunday: no seeded check-ins there.
            db.CheckIns.Add(new CheckIn { StudentId = student, AdvisoryId = advisory, Day = new DateOnly(2026, 11, 21), AdvisorNote = Private, RecordedAt = DateTimeOffset.UtcNow });
            db.CheckIns.Add(new CheckIn { StudentId = student, AdvisoryId = advisory, Day = new DateOnly(2026, 11, 22), AdvisorNote = Shared, AdvisorNoteShared = true, RecordedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }
        var otherAdvisor = await Single<string>(
            $"SELECT u.email FROM advisories a JOIN users u ON u.id = a.advisor_user_id WHERE a.id <> @p1 AND u.id NOT IN (SELECT t.teacher_user_id FROM section_teachers t JOIN enrollments e ON e.section_id = t.section_id WHERE e.student_id = @p2) AND u.normalized_email <> upper(@p0) ORDER BY a.id LIMIT 1",
            studentEmail, advisory, student);

        async Task<List<string?>?> NotesSeenBy(string email)
        {
            await using var scope = await fixture.App.ScopeForAsync(email);
            var history = await fixture.Service<CheckInService>(scope).HistoryAsync(student, 60);
            return history?.Where(c => c.Day == new DateOnly(2026, 11, 21) || c.Day == new DateOnly(2026, 11, 22)).OrderBy(c => c.Day).Select(c => c.AdvisorNote).ToList();
        }

        Assert.Equal([Private, Shared], await NotesSeenBy(AppFixture.DemoEmail(Roles.Advisor)));
        Assert.Equal([Private, Shared], await NotesSeenBy(AppFixture.DemoEmail(Roles.Principal)));
        Assert.Equal([null, Shared], await NotesSeenBy(studentEmail));
        Assert.Equal([null, Shared], await NotesSeenBy(AppFixture.DemoEmail(Roles.Guardian)));
        Assert.Null(await NotesSeenBy(otherAdvisor));
        var teacher = await NotesSeenBy(AppFixture.DemoEmail(Roles.Teacher));
        Assert.True(teacher is null || teacher.All(n => n is null));

        // The student's own page carries only shared notes too.
        await using var own = await fixture.App.ScopeForAsync(studentEmail);
        var mine = await fixture.Service<CheckInService>(own).MineAsync();
        Assert.NotNull(mine);
        Assert.DoesNotContain(mine.Recent, c => c.AdvisorNote == Private);
        Assert.Contains(mine.Recent, c => c.AdvisorNote == Shared);
    }

    [Fact]
    public async Task A_flag_is_raised_after_three_missed_school_days_and_stays_resolved_once_resolved()
    {
        var advisor = AppFixture.DemoEmail(Roles.Advisor);
        var student = await Single<int>(
            $"SELECT s.id FROM students s JOIN advisories a ON a.id = s.advisory_id WHERE a.advisor_user_id = {UserIdOf} ORDER BY s.id LIMIT 1", advisor);
        // Missed Wed 18, Thu 19 and Fri 20 November.
        await fixture.QueryAsync<int>("DELETE FROM check_ins WHERE student_id = @p0 AND day >= '2026-11-18' RETURNING 1", student);
        await fixture.QueryAsync<int>("DELETE FROM early_warning_flags WHERE student_id = @p0 RETURNING 1", student);
        await using var scope = await fixture.App.ScopeForAsync(advisor);
        var checkIns = fixture.Service<CheckInService>(scope);

        var board = await checkIns.BoardAsync();

        var flag = Assert.Single(board.Rows.Single(r => r.StudentId == student).OpenFlags, f => f.Rule == FlagRule.NoCheckIn);
        Assert.True(int.Parse(flag.Facts[0], System.Globalization.CultureInfo.InvariantCulture) >= 3);
        var flags = fixture.Service<FlagService>(scope);
        Assert.Equal("Flag.NoteRequired", (await flags.ResolveAsync(flag.Id, " ")).ErrorKey);
        Assert.True((await flags.ResolveAsync(flag.Id, "Called home: the family was away")).Ok);

        board = await checkIns.BoardAsync();
        Assert.DoesNotContain(board.Rows.Single(r => r.StudentId == student).OpenFlags, f => f.Rule == FlagRule.NoCheckIn);
        var history = await flags.ForStudentAsync(student);
        Assert.Contains(history!, f => f.Id == flag.Id && f.ResolutionNote == "Called home: the family was away" && f.ResolvedAt != null);
    }

    [Fact]
    public async Task Tutoring_hours_count_against_the_allowance()
    {
        var advisor = AppFixture.DemoEmail(Roles.Advisor);
        var student = await StudentOfAsync(AppFixture.DemoEmail(Roles.Student));
        await using var scope = await fixture.App.ScopeForAsync(advisor);
        var support = fixture.Service<InterventionService>(scope);

        var result = await support.LogAsync(new InterventionInput { StudentId = student, Day = Monday, ByWhom = "Ms. Alvarez", DurationMinutes = 90, Kind = InterventionKind.Tutoring, FollowUpOn = Monday.AddDays(7) });
        Assert.True(result.Ok, result.ErrorKey);
        Assert.Equal("Intervention.FollowUpBeforeDay", (await support.LogAsync(new InterventionInput { StudentId = student, Day = Monday, ByWhom = "x", FollowUpOn = Monday.AddDays(-1) })).ErrorKey);

        var model = await support.SupportAsync(student);
        Assert.NotNull(model);
        Assert.Equal(1.5m, model.TutoringHoursUsed);
        Assert.Equal(33.5m, model.TutoringHoursLeft);

        await using var asStudent = await fixture.App.ScopeForAsync(AppFixture.DemoEmail(Roles.Student));
        Assert.Null(await fixture.Service<InterventionService>(asStudent).SupportAsync(student));
    }
}
