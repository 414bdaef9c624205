using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Web.Features.Advisory;

public sealed record AdvisoryRow(int Id, string Name, string Advisor, int Members, bool OverLimit);

public sealed record CoverageStudent(int Id, string Name, int GradeLevel, int? AdvisoryId);

public sealed record CoverageModel(string School, int MaxSize, IReadOnlyList<AdvisoryRow> Advisories, IReadOnlyList<CoverageStudent> Students)
{
    public int Unassigned => Students.Count(s => s.AdvisoryId is null);
}

/// <summary>The principal's view of advisory coverage in their school and the bulk move into an advisory.</summary>
public sealed class CoverageService(IDbContextFactory<AppDbContext> dbf, CurrentUser currentUser, AuditLog audit)
{
    private static IQueryable<int> MySchool(AppDbContext db, Viewer me) =>
        db.Users.Where(u => u.Id == me.UserId && u.Active && u.SchoolId != null).Select(u => u.SchoolId!.Value);

    public async Task<CoverageModel?> CoverageAsync(CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        if (!me.Is(Roles.Principal))
        {
            return null;
        }
        await using var db = await dbf.CreateDbContextAsync(ct);
        var school = await db.Schools.AsNoTracking().Where(s => MySchool(db, me).Contains(s.Id)).Select(s => new { s.Id, s.Name }).FirstOrDefaultAsync(ct);
        if (school is null)
        {
            return null;
        }
        var max = await db.Districts.AsNoTracking().OrderBy(d => d.Id).Select(d => d.Settings.MaxAdvisorySize).FirstAsync(ct);
        var advisories = await db.Advisories.AsNoTracking().Where(a => a.SchoolId == school.Id && a.Active).OrderBy(a => a.Name)
            .Select(a => new
            {
                a.Id,
                a.Name,
                Advisor = db.Users.Where(u => u.Id == a.AdvisorUserId).Select(u => u.DisplayName).FirstOrDefault() ?? "",
                Members = a.Members.Count(s => s.Active),
            })
            .ToListAsync(ct);
        var students = await db.Students.AsNoTracking().VisibleTo(db, me).Where(s => s.SchoolId == school.Id && s.Active)
            .OrderBy(s => s.LastName).ThenBy(s => s.FirstName)
            .Select(s => new CoverageStudent(s.Id, s.FirstName + " " + s.LastName, s.GradeLevel,
                s.Advisory != null && s.Advisory.Active ? s.AdvisoryId : null))
            .ToListAsync(ct);
        await audit.ViewedAsync(me, students.Where(s => s.AdvisoryId is null).Select(s => s.Id), "advisory-coverage");
        return new CoverageModel(school.Name, max,
            [.. advisories.Select(a => new AdvisoryRow(a.Id, a.Name, a.Advisor, a.Members, a.Members > max))], students);
    }

    /// <summary>Moves students of the principal's school into one of its advisories, in one transaction.</summary>
    public async Task<Result> MoveAsync(IReadOnlyCollection<int> studentIds, int advisoryId, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        if (!me.Is(Roles.Principal) || studentIds.Count == 0)
        {
            return Result.NotFound;
        }
        return await dbf.InTransactionAsync(async (db, t) =>
        {
            var advisory = await db.Advisories.Where(a => a.Id == advisoryId && a.Active && MySchool(db, me).Contains(a.SchoolId))
                .Select(a => new { a.Id, a.SchoolId }).FirstOrDefaultAsync(t);
            if (advisory is null)
            {
                return Result.NotFound;
            }
            var students = await db.Students.VisibleTo(db, me)
                .Where(s => studentIds.Contains(s.Id) && s.SchoolId == advisory.SchoolId && MySchool(db, me).Contains(s.SchoolId))
                .ToListAsync(t);
            if (students.Count != studentIds.Distinct().Count())
            {
                return Result.NotFound;
            }
            foreach (var s in students)
            {
                s.AdvisoryId = advisory.Id;
                db.AccessAudit.Add(audit.Row(me, s.Id, "advisory-move"));
            }
            await db.SaveChangesAsync(t);
            await ChangeFeed.NotifyAsync(db, students.Select(s => s.Id), "advisory", t);
            return Result.Success;
        }, ct);
    }
}
