using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Web.Features.Students;

/// <summary>One student's record as the viewer may see it. Outside the viewer's scope answers null, as for a missing id.</summary>
public sealed class StudentRecordService(
    IDbContextFactory<AppDbContext> dbf, CurrentUser currentUser, AuditLog audit, DistrictClock clock)
{
    public async Task<StudentRecord?> GetAsync(int studentId, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        var yearId = (await clock.CurrentYearAsync(ct))?.Id;
        await using var db = await dbf.CreateDbContextAsync(ct);
        var student = await db.Students.AsNoTracking().VisibleTo(db, me)
            .Where(s => s.Id == studentId)
            .Select(s => new
            {
                s.Id,
                s.DistrictId,
                Name = s.FirstName + " " + s.LastName,
                School = s.School!.Name,
                s.GradeLevel,
                Advisor = db.Users.Where(u => u.Id == s.Advisory!.AdvisorUserId).Select(u => u.DisplayName).FirstOrDefault(),
                Plan = db.Plans.Where(p => p.StudentId == s.Id && p.SchoolYearId == yearId)
                    .Select(p => new { p.Status, Goals = p.Goals.OrderBy(g => g.SortOrder).Select(g => new GoalSummary(g.Title, g.TargetDate, g.Status)).ToList() })
                    .FirstOrDefault(),
            })
            .FirstOrDefaultAsync(ct);
        if (student is null)
        {
            await audit.DeniedAsync(me, studentId, "student-record");
            return null;
        }

        var progress = await db.Frameworks.AsNoTracking().OrderBy(f => f.Name)
            .Select(f => new
            {
                f.Name,
                Standards = f.Standards.Count(st => st.ParentId != null),
                WithEvidence = db.MasteryRollups.Count(r => r.StudentId == studentId && r.EvidenceCount > 0 && f.Standards.Any(st => st.Id == r.StandardId)),
                Mastered = db.MasteryRollups.Count(r => r.StudentId == studentId && r.AtMastery && f.Standards.Any(st => st.Id == r.StandardId)),
                Average = db.MasteryRollups.Where(r => r.StudentId == studentId && r.EvidenceCount > 0 && r.Score != null && f.Standards.Any(st => st.Id == r.StandardId))
                    .Average(r => r.Score),
            })
            .ToListAsync(ct);
        var bands = await db.ReportCardBands.AsNoTracking().Where(b => b.DistrictId == student.DistrictId).ToListAsync(ct);
        var mastery = progress.Select(f => new FrameworkProgress(f.Name, f.Standards, f.WithEvidence, f.Mastered,
                f.Average is { } a ? Math.Round(a, 2, MidpointRounding.AwayFromZero) : null, ReportCardConversion.GradeFor(f.Average, bands)))
            .ToList();

        var recent = await db.Evidence.AsNoTracking()
            .Where(e => e.StudentId == studentId && e.VoidedAt == null)
            .OrderByDescending(e => e.ObservedAt).Take(8)
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

        await audit.ViewedAsync(me, studentId, "student-record");
        var zone = await clock.TimeZoneAsync(ct);
        return new StudentRecord(
            student.Id, student.Name, student.School, student.GradeLevel, student.Advisor,
            student.Plan?.Status, student.Plan?.Goals ?? [], mastery,
            [.. recent.Select(r => new RecentEvidence(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(r.ObservedAt, zone).DateTime), r.Code, r.Statement, r.Score, r.Level?.Name, r.Level?.Color))]);
    }
}
