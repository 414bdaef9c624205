using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Features.Family;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Web.Features.Advisory;

/// <summary>
/// Daily check-ins: the advisor's board, the advisor's record of a student's day, the student's own reflection, and
/// the history as each viewer may see it. One row per student and school day: concurrent saves merge into it
/// (INSERT ... ON CONFLICT on the unique (student_id, day) index).
/// </summary>
public sealed class CheckInService(
    IDbContextFactory<AppDbContext> dbf, CurrentUser currentUser, AuditLog audit, DistrictClock clock, FlagService flags)
{
    public async Task<AdvisoryBoardModel> BoardAsync(bool evaluate = true, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        var today = await clock.TodayAsync(ct);
        var year = await clock.CurrentYearAsync(ct);
        await using var db = await dbf.CreateDbContextAsync(ct);
        var advisory = await db.Advisories.AsNoTracking()
            .Where(a => a.Active && a.AdvisorUserId == me.UserId)
            .Select(a => new { a.Id, a.Name, a.SchoolId, School = db.Schools.Where(s => s.Id == a.SchoolId).Select(s => s.Name).First() })
            .FirstOrDefaultAsync(ct);
        if (advisory is null)
        {
            return new AdvisoryBoardModel(null, null, "", today, false, []);
        }
        var calendar = year is null ? null : await clock.CalendarAsync(year, advisory.SchoolId, ct);
        var students = db.Students.AsNoTracking().VisibleTo(db, me).Where(s => s.AdvisoryId == advisory.Id);
        var ids = await students.Select(s => s.Id).ToListAsync(ct);
        if (evaluate)
        {
            await flags.EvaluateAsync(ids, ct);
        }

        var yearId = year?.Id;
        var since = today.AddDays(-21);
        var followFrom = today.AddDays(-14);
        var rows = await students
            .OrderBy(s => s.LastName).ThenBy(s => s.FirstName)
            .Select(s => new
            {
                s.Id,
                Name = s.FirstName + " " + s.LastName,
                s.GradeLevel,
                Plan = db.Plans.Where(p => p.StudentId == s.Id && p.SchoolYearId == yearId).Select(p => (PlanStatus?)p.Status).FirstOrDefault(),
                Today = db.CheckIns.Where(c => c.StudentId == s.Id && c.Day == today)
                    .Select(c => new TodayCheckIn(c.Attendance, c.Mood, c.TodayGoal, c.Progress, c.NeedsHelp, c.HelpWith,
                        c.AdvisorNote, c.AdvisorNoteShared, c.StudentSubmittedAt != null && c.ConfirmedAt == null))
                    .FirstOrDefault(),
                Last = db.CheckIns.Where(c => c.StudentId == s.Id && c.Attendance != CheckInAttendance.Absent).Max(c => (DateOnly?)c.Day),
                Moods = db.CheckIns.Where(c => c.StudentId == s.Id && c.Day >= since && c.Mood != null)
                    .OrderByDescending(c => c.Day).Take(5).Select(c => c.Mood!.Value).ToList(),
                Goals = db.PlanGoals.Where(g => g.Status != GoalStatus.Achieved && g.Status != GoalStatus.Dropped
                        && db.Plans.Any(p => p.Id == g.PlanId && p.StudentId == s.Id && p.SchoolYearId == yearId))
                    .OrderBy(g => g.SortOrder).Select(g => new GoalOption(g.Id, g.Title)).ToList(),
                FollowUp = db.Interventions
                    .Where(i => i.StudentId == s.Id && i.FollowUpOn != null && i.FollowUpOn >= followFrom && i.FollowUpOn <= today.AddDays(1)
                        && !db.Interventions.Any(j => j.StudentId == s.Id && j.Day >= i.FollowUpOn))
                    .Min(i => i.FollowUpOn),
            })
            .ToListAsync(ct);
        var open = await FlagService.OpenFlagsAsync(db, ids, ct);
        await audit.ViewedAsync(me, rows.Select(r => r.Id), "advisory-board");
        return new AdvisoryBoardModel(
            advisory.Id, advisory.Name, advisory.School, today, calendar?.IsSchoolDay(today) ?? false,
            [.. rows.Select(r => new BoardRow(r.Id, r.Name, r.GradeLevel, r.Plan, r.Today, r.Last,
                [.. Enumerable.Reverse(r.Moods)], [.. open.Where(f => f.StudentId == r.Id)], r.Goals, r.FollowUp))]);
    }

    /// <summary>The advisor records (or confirms, or backfills) one student's check-in for a day.</summary>
    public async Task<Result> SaveAsync(CheckInInput input, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        var today = await clock.TodayAsync(ct);
        var year = await clock.CurrentYearAsync(ct);
        if (input.Mood is < 1 or > 5)
        {
            return Result.Error("CheckIn.MoodRange");
        }
        if (input.Day > today)
        {
            return Result.Error("CheckIn.FutureDay");
        }
        if (input.Day < today && string.IsNullOrWhiteSpace(input.BackfillReason))
        {
            return Result.Error("CheckIn.BackfillReasonRequired");
        }
        var result = await dbf.InTransactionAsync(async (db, t) =>
        {
            var student = await db.Students.VisibleTo(db, me)
                .Where(s => s.Id == input.StudentId && s.Advisory != null && s.Advisory.Active && s.Advisory.AdvisorUserId == me.UserId)
                .Select(s => new { s.Id, AdvisoryId = s.AdvisoryId!.Value, s.SchoolId })
                .FirstOrDefaultAsync(t);
            if (student is null)
            {
                return Result.NotFound;
            }
            var calendar = year is null ? null : await clock.CalendarAsync(year, student.SchoolId, t);
            if (calendar is null || !calendar.IsSchoolDay(input.Day))
            {
                return Result.Error("CheckIn.NotSchoolDay");
            }
            var now = clock.Time.GetUtcNow();
            var present = input.Attendance == CheckInAttendance.Present;
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO check_ins (student_id, advisory_id, day, attendance, mood, progress, today_goal, needs_help,
                    help_with, advisor_note, advisor_note_shared, recorded_by_user_id, recorded_at, confirmed_at, backfill_reason)
                VALUES ({student.Id}, {student.AdvisoryId}, {input.Day}, {input.Attendance.ToString()}, {MoodParameter(present ? input.Mood : null)},
                    {Clean(input.Progress)}, {Clean(input.TodayGoal)}, {present && input.NeedsHelp}, {Clean(input.HelpWith)},
                    {Clean(input.AdvisorNote)}, {input.AdvisorNoteShared}, {me.UserId}, {now}, {now}, {Clean(input.BackfillReason)})
                ON CONFLICT (student_id, day) DO UPDATE SET
                    attendance = EXCLUDED.attendance,
                    mood = CASE WHEN EXCLUDED.attendance <> 'Present' THEN NULL ELSE COALESCE(EXCLUDED.mood, check_ins.mood) END,
                    progress = CASE WHEN EXCLUDED.progress = '' THEN check_ins.progress ELSE EXCLUDED.progress END,
                    today_goal = CASE WHEN EXCLUDED.today_goal = '' THEN check_ins.today_goal ELSE EXCLUDED.today_goal END,
                    needs_help = EXCLUDED.needs_help,
                    help_with = CASE WHEN EXCLUDED.help_with = '' THEN check_ins.help_with ELSE EXCLUDED.help_with END,
                    advisor_note = EXCLUDED.advisor_note,
                    advisor_note_shared = EXCLUDED.advisor_note_shared,
                    recorded_by_user_id = EXCLUDED.recorded_by_user_id,
                    recorded_at = EXCLUDED.recorded_at,
                    confirmed_at = EXCLUDED.confirmed_at,
                    backfill_reason = CASE WHEN EXCLUDED.backfill_reason = '' THEN check_ins.backfill_reason ELSE EXCLUDED.backfill_reason END
                """, t);
            db.AccessAudit.Add(audit.Row(me, student.Id, input.Day < today ? "checkin-backfill" : "checkin-save"));
            await db.SaveChangesAsync(t);
            await ChangeFeed.NotifyAsync(db, [student.Id], "checkin", t);
            if (input.AdvisorNoteShared && !string.IsNullOrWhiteSpace(input.AdvisorNote))
            {
                // Family alert, once per check-in day, committed with the note.
                var advisorName = await db.Users.Where(u => u.Id == me.UserId).Select(u => u.DisplayName).FirstAsync(t);
                await AlertWriter.RaiseAsync(db, student.Id, AlertKind.NoteShared, input.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                    [input.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), advisorName], now, ct: t);
            }
            return Result.Success;
        }, ct);
        if (result == Result.NotFound)
        {
            await audit.DeniedAsync(me, input.StudentId, "checkin-save");
        }
        return result;
    }

    /// <summary>The student's own page: today's entry, plan goals to pick from and recent check-ins with shared notes.</summary>
    public async Task<MyCheckInModel?> MineAsync(CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        var today = await clock.TodayAsync(ct);
        var year = await clock.CurrentYearAsync(ct);
        await using var db = await dbf.CreateDbContextAsync(ct);
        var yearId = year?.Id;
        var student = await db.Students.AsNoTracking().VisibleTo(db, me).Where(s => s.UserId == me.UserId)
            .Select(s => new
            {
                s.Id,
                s.FirstName,
                s.SchoolId,
                HasAdvisory = s.AdvisoryId != null,
                Goals = db.PlanGoals.Where(g => g.Status != GoalStatus.Achieved && g.Status != GoalStatus.Dropped
                        && db.Plans.Any(p => p.Id == g.PlanId && p.StudentId == s.Id && p.SchoolYearId == yearId))
                    .OrderBy(g => g.SortOrder).Select(g => new GoalOption(g.Id, g.Title)).ToList(),
            })
            .FirstOrDefaultAsync(ct);
        if (student is null)
        {
            return null;
        }
        var calendar = year is null ? null : await clock.CalendarAsync(year, student.SchoolId, ct);
        var recent = await ViewsAsync(db, student.Id, seePrivate: false, seeShared: true, 10, ct);
        await audit.ViewedAsync(me, student.Id, "my-checkin");
        return new MyCheckInModel(student.Id, student.FirstName, student.HasAdvisory, today, calendar?.IsSchoolDay(today) ?? false,
            student.Goals, recent.FirstOrDefault(c => c.Day == today), [.. recent.Where(c => c.Day != today)]);
    }

    /// <summary>The student fills their own part for today; the advisor's fields are kept.</summary>
    public async Task<Result> SaveMineAsync(ReflectionInput input, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        var today = await clock.TodayAsync(ct);
        var year = await clock.CurrentYearAsync(ct);
        if (input.Mood is not (>= 1 and <= 5))
        {
            return Result.Error("CheckIn.PickMood");
        }
        return await dbf.InTransactionAsync(async (db, t) =>
        {
            var student = await db.Students.VisibleTo(db, me).Where(s => s.UserId == me.UserId)
                .Select(s => new { s.Id, s.AdvisoryId, s.SchoolId }).FirstOrDefaultAsync(t);
            if (student is null)
            {
                return Result.NotFound;
            }
            if (student.AdvisoryId is null)
            {
                return Result.Error("CheckIn.NoAdvisory");
            }
            var calendar = year is null ? null : await clock.CalendarAsync(year, student.SchoolId, t);
            if (calendar is null || !calendar.IsSchoolDay(today))
            {
                return Result.Error("CheckIn.NotSchoolDayToday");
            }
            var now = clock.Time.GetUtcNow();
            var needsHelp = input.NeedsHelp;
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO check_ins (student_id, advisory_id, day, attendance, mood, progress, today_goal, needs_help,
                    help_with, advisor_note, advisor_note_shared, recorded_by_user_id, recorded_at, student_submitted_at, backfill_reason)
                VALUES ({student.Id}, {student.AdvisoryId.Value}, {today}, 'Present', {MoodParameter(input.Mood)}, {Clean(input.Progress)},
                    {Clean(input.TodayGoal)}, {needsHelp}, {(needsHelp ? Clean(input.HelpWith) : "")}, '', false, {me.UserId}, {now}, {now}, '')
                ON CONFLICT (student_id, day) DO UPDATE SET
                    mood = EXCLUDED.mood,
                    progress = EXCLUDED.progress,
                    today_goal = EXCLUDED.today_goal,
                    needs_help = EXCLUDED.needs_help,
                    help_with = EXCLUDED.help_with,
                    student_submitted_at = EXCLUDED.student_submitted_at
                """, t);
            db.AccessAudit.Add(audit.Row(me, student.Id, "checkin-reflection"));
            await db.SaveChangesAsync(t);
            await ChangeFeed.NotifyAsync(db, [student.Id], "checkin", t);
            return Result.Success;
        }, ct);
    }

    /// <summary>
    /// A student's check-ins as the viewer may see them. Private notes: the student's advisor and the school's
    /// principal. Shared notes: also the student and linked guardians. Everyone else in scope: no notes.
    /// </summary>
    public async Task<IReadOnlyList<CheckInView>?> HistoryAsync(int studentId, int take = 30, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        await using var db = await dbf.CreateDbContextAsync(ct);
        var access = await NoteAccessAsync(db, me, studentId, ct);
        if (access is null)
        {
            await audit.DeniedAsync(me, studentId, "checkin-history");
            return null;
        }
        await audit.ViewedAsync(me, studentId, "checkin-history");
        return await ViewsAsync(db, studentId, access.Value.Private, access.Value.Shared, take, ct);
    }

    /// <summary>Which advisor notes the viewer may read for this student; null when the student is out of scope.</summary>
    internal static async Task<(bool Private, bool Shared)?> NoteAccessAsync(AppDbContext db, Viewer me, int studentId, CancellationToken ct)
    {
        var s = await db.Students.AsNoTracking().VisibleTo(db, me).Where(s => s.Id == studentId)
            .Select(s => new
            {
                IsAdvisor = s.Advisory != null && s.Advisory.Active && s.Advisory.AdvisorUserId == me.UserId,
                IsSelf = s.UserId == me.UserId,
                IsGuardian = s.GuardianLinks.Any(g => g.GuardianUserId == me.UserId && !g.CustodyRestricted),
                IsPrincipal = db.Users.Any(u => u.Id == me.UserId && u.Active && u.SchoolId == s.SchoolId),
            })
            .FirstOrDefaultAsync(ct);
        if (s is null)
        {
            return null;
        }
        var seePrivate = (me.Is(Roles.Advisor) && s.IsAdvisor) || (me.Is(Roles.Principal) && s.IsPrincipal);
        var seeShared = seePrivate || (me.Is(Roles.Student) && s.IsSelf) || (me.Is(Roles.Guardian) && s.IsGuardian);
        return (seePrivate, seeShared);
    }

    internal static Task<List<CheckInView>> ViewsAsync(AppDbContext db, int studentId, bool seePrivate, bool seeShared, int take, CancellationToken ct) =>
        db.CheckIns.AsNoTracking().Where(c => c.StudentId == studentId)
            .OrderByDescending(c => c.Day).Take(take)
            .Select(c => new CheckInView(c.Day, c.Attendance, c.Mood, c.Progress, c.TodayGoal, c.NeedsHelp, c.HelpWith,
                seePrivate || (seeShared && c.AdvisorNoteShared) ? c.AdvisorNote : null, c.AdvisorNoteShared, c.BackfillReason))
            .ToListAsync(ct);

    private static string Clean(string? text) => (text ?? "").Trim();

    private static NpgsqlParameter MoodParameter(int? mood) =>
        new() { NpgsqlDbType = NpgsqlDbType.Integer, Value = (object?)mood ?? DBNull.Value };
}
