using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Web.Features.Homes;

/// <summary>The data behind each role's home page. Every student query starts from the access filter.</summary>
public sealed class HomeService(
    IDbContextFactory<AppDbContext> dbf, CurrentUser currentUser, AuditLog audit, DistrictClock clock, SharedReads shared)
{
    public async Task<StudentHomeModel?> StudentHomeAsync(CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        var yearId = (await clock.CurrentYearAsync(ct))?.Id;
        await using var db = await dbf.CreateDbContextAsync(ct);
        var home = await db.Students.AsNoTracking().VisibleTo(db, me)
            .Where(s => s.UserId == me.UserId)
            .Select(s => new StudentHomeModel(
                s.Id, s.FirstName + " " + s.LastName, s.School!.Name, s.GradeLevel,
                db.Users.Where(u => u.Id == s.Advisory!.AdvisorUserId).Select(u => u.DisplayName).FirstOrDefault(),
                db.Plans.Where(p => p.StudentId == s.Id && p.SchoolYearId == yearId).Select(p => (PlanStatus?)p.Status).FirstOrDefault(),
                db.PlanGoals.Count(g => db.Plans.Any(p => p.Id == g.PlanId && p.StudentId == s.Id && p.SchoolYearId == yearId)),
                db.MasteryRollups.Count(r => r.StudentId == s.Id && r.AtMastery),
                db.MasteryRollups.Count(r => r.StudentId == s.Id),
                db.CheckIns.Where(c => c.StudentId == s.Id).Max(c => (DateOnly?)c.Day)))
            .FirstOrDefaultAsync(ct);
        if (home is not null)
        {
            await audit.ViewedAsync(me, home.StudentId, "student-home");
        }
        return home;
    }

    public async Task<TeacherHomeModel> TeacherHomeAsync(CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        var weekAgo = clock.Time.GetUtcNow().AddDays(-7);
        await using var db = await dbf.CreateDbContextAsync(ct);
        var school = await SchoolNameAsync(db, me.UserId, ct);
        var sections = await db.Sections.AsNoTracking()
            .Where(s => s.Active && s.Teachers.Any(t => t.TeacherUserId == me.UserId))
            .OrderBy(s => s.Name)
            .Select(s => new SectionRow(
                s.Id, s.Name, s.CourseName,
                s.Enrollments.Count(e => e.Active && e.Student!.Active),
                db.Evidence.Count(e => e.SectionId == s.Id && e.RecordedAt >= weekAgo && e.VoidedAt == null)))
            .ToListAsync(ct);
        return new TeacherHomeModel(school, sections);
    }

    public Task<GuardianHomeModel> GuardianHomeAsync(CancellationToken ct = default) => GuardianHomeAfterAsync(default, ct);

    /// <summary>
    /// The home as it is after <paramref name="change"/>: the user's pages re-querying for the same change share one
    /// read (<see cref="SharedReads"/>: a read started after the node heard of it); each page's view is audited.
    /// </summary>
    public async Task<GuardianHomeModel> GuardianHomeAfterAsync(StudentChanged change, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        var home = await shared.GetAsync($"guardian-home|{me.UserId}|{me.RoleList}", change.HeardAt, () => ReadGuardianHomeAsync(me, ct));
        await audit.ViewedAsync(me, home.Children.Select(c => c.StudentId), "guardian-home");
        return home;
    }

    private async Task<GuardianHomeModel> ReadGuardianHomeAsync(Viewer me, CancellationToken ct)
    {
        var yearId = (await clock.CurrentYearAsync(ct))?.Id;
        await using var db = await dbf.CreateDbContextAsync(ct);
        var children = await db.Students.AsNoTracking().VisibleTo(db, me)
            .Where(s => s.GuardianLinks.Any(g => g.GuardianUserId == me.UserId && !g.CustodyRestricted))
            .OrderBy(s => s.FirstName)
            .Select(s => new ChildRow(
                s.Id, s.FirstName + " " + s.LastName, s.School!.Name, s.GradeLevel,
                db.Users.Where(u => u.Id == s.Advisory!.AdvisorUserId).Select(u => u.DisplayName).FirstOrDefault(),
                db.Plans.Where(p => p.StudentId == s.Id && p.SchoolYearId == yearId).Select(p => (PlanStatus?)p.Status).FirstOrDefault(),
                db.MasteryRollups.Count(r => r.StudentId == s.Id && r.AtMastery),
                db.MasteryRollups.Count(r => r.StudentId == s.Id)))
            .ToListAsync(ct);
        return new GuardianHomeModel(children);
    }

    public async Task<AdminHomeModel> AdminHomeAsync(CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        await using var db = await dbf.CreateDbContextAsync(ct);
        var district = await db.Users.AsNoTracking().Where(u => u.Id == me.UserId)
            .Select(u => db.Districts.Where(d => d.Id == u.DistrictId).Select(d => new { d.Id, d.Name }).First())
            .FirstAsync(ct);
        var schools = await db.Schools.AsNoTracking().Where(s => s.DistrictId == district.Id).OrderBy(s => s.Name)
            .Select(s => new SchoolRow(s.Id, s.Name,
                db.Students.Count(st => st.SchoolId == s.Id && st.Active),
                db.Users.Count(u => u.SchoolId == s.Id && u.Active)))
            .ToListAsync(ct);
        var roles = await db.Roles.AsNoTracking()
            .Select(r => new { r.Name, Count = db.UserRoles.Count(ur => ur.RoleId == r.Id) })
            .ToListAsync(ct);
        return new AdminHomeModel(
            district.Name, schools,
            [.. Roles.All.Select(r => new CountRow(r, roles.FirstOrDefault(x => x.Name == r)?.Count ?? 0))],
            await db.Frameworks.CountAsync(f => f.DistrictId == district.Id, ct),
            await db.Standards.CountAsync(s => s.Framework!.DistrictId == district.Id, ct));
    }

    private static Task<string> SchoolNameAsync(AppDbContext db, string userId, CancellationToken ct) =>
        db.Users.Where(u => u.Id == userId)
            .Select(u => db.Schools.Where(s => s.Id == u.SchoolId).Select(s => s.Name).FirstOrDefault() ?? "")
            .FirstAsync(ct);
}
