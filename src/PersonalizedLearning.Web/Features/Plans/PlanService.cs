using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Web.Features.Plans;

/// <summary>Reading plans: the page model and the history. Writes are in <see cref="PlanEditing"/>.</summary>
public sealed class PlanService(
    IDbContextFactory<AppDbContext> dbf, CurrentUser currentUser, AuditLog audit, DistrictClock clock)
{
    /// <summary>The student the signed-in student user is, for /student/plan.</summary>
    public async Task<int?> MyStudentIdAsync(CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        await using var db = await dbf.CreateDbContextAsync(ct);
        return await db.OwnStudentIdAsync(me, ct);
    }

    public async Task<PlanPageModel?> GetAsync(int studentId, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        var year = await clock.CurrentYearAsync(ct);
        await using var db = await dbf.CreateDbContextAsync(ct);
        var rel = await PlanAccess.RelationAsync(db, me, studentId, ct);
        if (rel is null)
        {
            await audit.DeniedAsync(me, studentId, "plan-view");
            return null;
        }
        await audit.ViewedAsync(me, studentId, "plan-view");
        var plan = year is null ? null : await db.Plans.AsNoTracking().WithContent()
            .FirstOrDefaultAsync(p => p.StudentId == studentId && p.SchoolYearId == year.Id, ct);
        if (plan is null)
        {
            return new PlanPageModel(studentId, rel.StudentName, null, year is not null && rel.Actor is PlanActor.Student or PlanActor.Advisor);
        }
        return new PlanPageModel(studentId, rel.StudentName, await ViewAsync(db, me, rel, plan, year!, ct), false);
    }

    public async Task<IReadOnlyList<RevisionView>> HistoryAsync(int studentId, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        var year = await clock.CurrentYearAsync(ct);
        await using var db = await dbf.CreateDbContextAsync(ct);
        if (await PlanAccess.RelationAsync(db, me, studentId, ct) is null || year is null)
        {
            return [];
        }
        await audit.ViewedAsync(me, studentId, "plan-history");
        return await db.PlanRevisions.AsNoTracking()
            .Where(r => db.Plans.Any(p => p.Id == r.PlanId && p.StudentId == studentId && p.SchoolYearId == year.Id))
            .OrderByDescending(r => r.At)
            .Select(r => new RevisionView(r.Id, db.Users.Where(u => u.Id == r.UserId).Select(u => u.DisplayName).First(), r.Role, r.At, r.Changes))
            .ToListAsync(ct);
    }

    private static async Task<PlanView> ViewAsync(AppDbContext db, Viewer me, StudentRelation rel, LearningPlan plan, SchoolYear year, CancellationToken ct)
    {
        var content = PlanAccess.ToContent(plan);
        var standardIds = content.Goals.SelectMany(g => g.StandardIds).Distinct().ToList();
        var mastery = await db.Standards.AsNoTracking().Where(s => standardIds.Contains(s.Id))
            .Select(s => new
            {
                s.Id,
                s.Code,
                s.Statement,
                s.FrameworkId,
                Rollup = db.MasteryRollups.Where(r => r.StudentId == rel.StudentId && r.StandardId == s.Id).Select(r => new { r.Score, r.AtMastery }).FirstOrDefault(),
            })
            .ToListAsync(ct);
        var levels = await db.MasteryLevels.AsNoTracking().ToListAsync(ct);
        var users = db.Users.AsNoTracking();
        var comments = await db.PlanComments.AsNoTracking().Where(c => c.PlanId == plan.Id).OrderBy(c => c.At)
            .Select(c => new CommentView(c.Id, c.GoalId, users.Where(u => u.Id == c.AuthorUserId).Select(u => u.DisplayName).First(), c.AuthorRole, c.Body, c.At))
            .ToListAsync(ct);
        var signOffs = await db.PlanSignOffs.AsNoTracking().Where(s => s.PlanId == plan.Id).OrderByDescending(s => s.At)
            .Select(s => new SignOffView(s.Action, users.Where(u => u.Id == s.UserId).Select(u => u.DisplayName).First(), s.Role, s.At, s.Note))
            .ToListAsync(ct);
        var lastEditor = await db.PlanRevisions.AsNoTracking().Where(r => r.PlanId == plan.Id).OrderByDescending(r => r.At)
            .Select(r => users.Where(u => u.Id == r.UserId).Select(u => u.DisplayName).First()).FirstOrDefaultAsync(ct);
        var options = await db.Standards.AsNoTracking()
            .Where(s => s.ParentId != null)
            .OrderBy(s => s.Framework!.Name).ThenBy(s => s.SortOrder)
            .Select(s => new { s.Id, s.Code, s.Statement, Framework = s.Framework!.Name, s.GradeLevels })
            .ToListAsync(ct);

        var actor = rel.Actor;
        return new PlanView(
            rel.StudentId, rel.StudentName, rel.GradeLevel, plan.Id, year.Name, plan.Status, plan.Version, plan.UpdatedAt, lastEditor,
            content, actor, PlanWorkflow.CanEdit(plan.Status, actor), PlanWorkflow.Available(plan.Status, actor),
            rel.CanComment,
            actor == PlanActor.Guardian && PlanWorkflow.Available(plan.Status, actor).Contains(PlanAction.Acknowledge)
                && !await PlanEditing.AcknowledgedSinceLastChangeAsync(db, plan.Id, me.UserId, ct),
            comments, signOffs,
            [.. mastery.Select(m =>
            {
                var level = MasteryCalculator.LevelFor(m.Rollup?.Score, levels.Where(l => l.FrameworkId == m.FrameworkId));
                return new StandardMastery(m.Id, m.Code, m.Statement, level?.Name, level?.Color, m.Rollup?.AtMastery ?? false);
            })],
            [.. options.Where(o => GradeBand.Includes(o.GradeLevels, rel.GradeLevel))
                .Select(o => new StandardOption(o.Id, o.Code, o.Statement, o.Framework))]);
    }
}
