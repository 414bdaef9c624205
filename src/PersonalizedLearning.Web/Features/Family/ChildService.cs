using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Web.Features.Family;

/// <summary>
/// A guardian's view of one linked child. The child must be visible to the viewer (access filter) and linked to them
/// as guardian without a custody restriction; anything else answers null (not found) and is audited as denied.
/// </summary>
public sealed class ChildService(IDbContextFactory<AppDbContext> dbf, CurrentUser currentUser, AuditLog audit, DistrictClock clock)
{
    private const int RecentDays = 14;

    public async Task<ChildPageModel?> GetAsync(int studentId, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        var year = await clock.CurrentYearAsync(ct);
        var yearId = year?.Id;
        var zone = await clock.TimeZoneAsync(ct);
        await using var db = await dbf.CreateDbContextAsync(ct);
        var children = MyChildren(db, me);
        var child = await children.AsNoTracking().Where(s => s.Id == studentId)
            .Select(s => new
            {
                s.Id,
                s.FirstName,
                Name = s.FirstName + " " + s.LastName,
                School = s.School!.Name,
                s.GradeLevel,
                Advisor = db.Users.Where(u => u.Id == s.Advisory!.AdvisorUserId && s.Advisory.Active).Select(u => u.DisplayName).FirstOrDefault(),
                Plan = db.Plans.Where(p => p.StudentId == s.Id && p.SchoolYearId == yearId)
                    .Select(p => new
                    {
                        p.Id,
                        p.Status,
                        Goals = p.Goals.OrderBy(g => g.SortOrder).Select(g => new ChildGoal(
                            g.Title, g.TargetDate, g.Status, g.Standards.Count,
                            g.Standards.Count(st => db.MasteryRollups.Any(r => r.StudentId == s.Id && r.StandardId == st.Id && r.AtMastery)))).ToList(),
                    })
                    .FirstOrDefault(),
            })
            .FirstOrDefaultAsync(ct);
        if (child is null)
        {
            await audit.DeniedAsync(me, studentId, "guardian-child");
            return null;
        }

        var choices = await children.AsNoTracking().OrderBy(s => s.FirstName)
            .Select(s => new ChildChoice(s.Id, s.FirstName)).ToListAsync(ct);

        var needsAck = child.Plan is not null
            && PlanWorkflow.Available(child.Plan.Status, PlanActor.Guardian).Contains(PlanAction.Acknowledge)
            && !await Plans.PlanEditing.AcknowledgedSinceLastChangeAsync(db, child.Plan.Id, me.UserId, ct);

        var areas = (await db.Standards.AsNoTracking().Where(a => a.ParentId == null)
                .OrderBy(a => a.Framework!.Name).ThenBy(a => a.SortOrder)
                .Select(a => new
                {
                    Framework = a.Framework!.Name,
                    a.Code,
                    a.Statement,
                    Standards = db.Standards.Count(c => c.ParentId == a.Id),
                    WithEvidence = db.MasteryRollups.Count(r => r.StudentId == studentId && r.EvidenceCount > 0
                        && db.Standards.Any(c => c.Id == r.StandardId && (c.ParentId == a.Id || c.Id == a.Id))),
                    Mastered = db.MasteryRollups.Count(r => r.StudentId == studentId && r.AtMastery
                        && db.Standards.Any(c => c.Id == r.StandardId && (c.ParentId == a.Id || c.Id == a.Id))),
                })
                .ToListAsync(ct))
            .Where(a => a.WithEvidence > 0)
            .Select(a => new AreaProgress(a.Framework, a.Code, a.Statement, Math.Max(a.Standards, a.WithEvidence), a.WithEvidence, a.Mastered))
            .ToList();

        var since = clock.Time.GetUtcNow().AddDays(-RecentDays);
        var changes = await db.MasteryRollups.AsNoTracking()
            .Where(r => r.StudentId == studentId && r.UpdatedAt >= since && r.Score != null)
            .OrderByDescending(r => r.UpdatedAt).Take(8)
            .Join(db.Standards, r => r.StandardId, st => st.Id, (r, st) => new { r, st })
            .Select(x => new
            {
                x.r.UpdatedAt,
                x.st.Code,
                x.st.Statement,
                x.r.AtMastery,
                Level = db.MasteryLevels.Where(l => l.FrameworkId == x.st.FrameworkId && l.Points <= x.r.Score)
                    .OrderByDescending(l => l.Points).Select(l => new { l.Name, l.Color }).FirstOrDefault(),
            })
            .ToListAsync(ct);

        var evidence = await db.Evidence.AsNoTracking()
            .Where(e => e.StudentId == studentId && e.VoidedAt == null)
            .OrderByDescending(e => e.ObservedAt).ThenByDescending(e => e.Id).Take(8)
            .Join(db.Standards, e => e.StandardId, st => st.Id, (e, st) => new { e, st })
            .Select(x => new
            {
                x.e.ObservedAt,
                x.st.Code,
                x.st.Statement,
                x.e.Score,
                Level = db.MasteryLevels.Where(l => l.FrameworkId == x.st.FrameworkId && l.Points <= x.e.Score)
                    .OrderByDescending(l => l.Points).Select(l => new { l.Name, l.Color }).FirstOrDefault(),
            })
            .ToListAsync(ct);

        var yearStart = year?.StartsOn ?? DateOnly.MinValue;
        var attendance = await db.CheckIns.AsNoTracking().Where(c => c.StudentId == studentId && c.Day >= yearStart)
            .GroupBy(c => c.Attendance).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        // Only notes the advisor chose to share with the family; private notes never leave the database.
        var notes = await db.CheckIns.AsNoTracking()
            .Where(c => c.StudentId == studentId && c.AdvisorNoteShared && c.AdvisorNote != "")
            .OrderByDescending(c => c.Day).Take(5)
            .Select(c => new SharedNote(c.Day, c.AdvisorNote)).ToListAsync(ct);
        // The rule only (shown in family wording); facts and resolution notes are for staff.
        var flags = await db.Flags.AsNoTracking().Where(f => f.StudentId == studentId && f.ResolvedAt == null)
            .OrderBy(f => f.RaisedAt).Select(f => new FamilyFlag(f.Rule, f.RaisedAt)).ToListAsync(ct);
        var unread = await MessageService.UnreadForGuardian(db, me.UserId).Where(m => m.StudentId == studentId).CountAsync(ct);

        await audit.ViewedAsync(me, studentId, "guardian-child");
        DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);
        int Count(CheckInAttendance a) => attendance.FirstOrDefault(x => x.Key == a)?.Count ?? 0;
        return new ChildPageModel(
            child.Id, child.Name, child.FirstName, child.School, child.GradeLevel, child.Advisor, choices,
            child.Plan?.Status, needsAck, child.Plan?.Goals ?? [],
            areas,
            [.. changes.Select(c => new MasteryChange(Day(c.UpdatedAt), c.Code, c.Statement, c.Level?.Name, c.Level?.Color, c.AtMastery))],
            [.. evidence.Select(e => new EvidenceRow(Day(e.ObservedAt), e.Code, e.Statement, e.Score, e.Level?.Name, e.Level?.Color))],
            new Attendance(Count(CheckInAttendance.Present), Count(CheckInAttendance.Absent), Count(CheckInAttendance.Excused), year?.StartsOn),
            notes, flags, unread);
    }

    /// <summary>The signed-in guardian's children: visible to them and linked without a custody restriction.</summary>
    internal static IQueryable<Student> MyChildren(AppDbContext db, Viewer me) =>
        me.Is(Roles.Guardian)
            ? db.Students.VisibleTo(db, me).Where(s => s.GuardianLinks.Any(g => g.GuardianUserId == me.UserId && !g.CustodyRestricted))
            : db.Students.Where(_ => false);
}
