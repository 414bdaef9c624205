using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Web.Features.Advisory;

/// <summary>
/// A student's support picture for staff: flags (open and resolved), interventions, tutoring hours against the
/// yearly allowance, and recent check-ins with the notes the viewer may read. Staff in scope log interventions.
/// </summary>
public sealed class InterventionService(
    IDbContextFactory<AppDbContext> dbf, CurrentUser currentUser, AuditLog audit, DistrictClock clock)
{
    private static bool IsStaff(Viewer me) =>
        me.Is(Roles.Advisor) || me.Is(Roles.Teacher) || me.Is(Roles.Principal) || me.Is(Roles.DistrictAdmin);

    public async Task<StudentSupportModel?> SupportAsync(int studentId, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        var year = await clock.CurrentYearAsync(ct);
        await using var db = await dbf.CreateDbContextAsync(ct);
        var access = IsStaff(me) ? await CheckInService.NoteAccessAsync(db, me, studentId, ct) : null;
        var name = access is null ? null : await db.Students.Where(s => s.Id == studentId)
            .Select(s => s.FirstName + " " + s.LastName).FirstOrDefaultAsync(ct);
        if (access is null || name is null)
        {
            await audit.DeniedAsync(me, studentId, "student-support");
            return null;
        }
        var settings = await db.Districts.AsNoTracking().OrderBy(d => d.Id).Select(d => d.Settings).FirstAsync(ct);
        var from = year?.StartsOn ?? DateOnly.MinValue;
        var flags = await db.Flags.AsNoTracking().Where(f => f.StudentId == studentId)
            .OrderByDescending(f => f.ResolvedAt == null).ThenByDescending(f => f.RaisedAt)
            .Select(f => new FlagView(f.Id, f.StudentId, name, f.Rule, f.Facts, f.RaisedAt, f.ResolvedAt,
                db.Users.Where(u => u.Id == f.ResolvedByUserId).Select(u => u.DisplayName).FirstOrDefault(), f.ResolutionNote))
            .ToListAsync(ct);
        var interventions = await db.Interventions.AsNoTracking().Where(i => i.StudentId == studentId)
            .OrderByDescending(i => i.Day).ThenByDescending(i => i.Id)
            .Select(i => new InterventionView(i.Id, i.Kind, i.Day, i.ByWhom, i.DurationMinutes, i.Notes, i.Outcome, i.FollowUpOn))
            .ToListAsync(ct);
        var tutoringMinutes = interventions.Where(i => i.Kind == InterventionKind.Tutoring && i.Day >= from).Sum(i => i.DurationMinutes);
        var checkIns = await CheckInService.ViewsAsync(db, studentId, access.Value.Private, access.Value.Shared, 15, ct);
        await audit.ViewedAsync(me, studentId, "student-support");
        return new StudentSupportModel(studentId, name, flags.Any(f => f.ResolvedAt is null), settings.TutoringAllowanceHours,
            Math.Round(tutoringMinutes / 60m, 1), flags, interventions, checkIns);
    }

    public async Task<Result> LogAsync(InterventionInput input, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        var today = await clock.TodayAsync(ct);
        if (string.IsNullOrWhiteSpace(input.ByWhom))
        {
            return Result.Error("Intervention.WhoRequired");
        }
        if (input.DurationMinutes is < 0 or > 600)
        {
            return Result.Error("Intervention.DurationRange");
        }
        if (input.Day > today)
        {
            return Result.Error("Intervention.FutureDay");
        }
        if (input.FollowUpOn is { } f && f < input.Day)
        {
            return Result.Error("Intervention.FollowUpBeforeDay");
        }
        if (!IsStaff(me))
        {
            return Result.NotFound;
        }
        var result = await dbf.InTransactionAsync(async (db, t) =>
        {
            if (!await db.Students.VisibleTo(db, me).AnyAsync(s => s.Id == input.StudentId, t))
            {
                return Result.NotFound;
            }
            db.Interventions.Add(new Intervention
            {
                StudentId = input.StudentId,
                Kind = input.Kind,
                Day = input.Day,
                ByWhom = input.ByWhom.Trim(),
                DurationMinutes = input.DurationMinutes,
                Notes = input.Notes.Trim(),
                Outcome = input.Outcome.Trim(),
                FollowUpOn = input.FollowUpOn,
                RecordedByUserId = me.UserId,
                RecordedAt = clock.Time.GetUtcNow(),
            });
            db.AccessAudit.Add(audit.Row(me, input.StudentId, "intervention-log"));
            await db.SaveChangesAsync(t);
            await ChangeFeed.NotifyAsync(db, [input.StudentId], "intervention", t);
            return Result.Success;
        }, ct);
        if (result == Result.NotFound)
        {
            await audit.DeniedAsync(me, input.StudentId, "intervention-log");
        }
        return result;
    }
}
