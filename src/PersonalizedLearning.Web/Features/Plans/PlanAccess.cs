using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Web.Features.Plans;

/// <summary>How the viewer relates to one visible student; null when the student is outside the viewer's scope.</summary>
internal sealed record StudentRelation(
    int StudentId, string StudentName, int GradeLevel, bool IsSelf, bool IsAdvisor, bool IsGuardian, bool IsTeacher)
{
    /// <summary>Who acts in the workflow; a person is the student, their advisor, a guardian or someone else.</summary>
    public PlanActor Actor => IsSelf ? PlanActor.Student : IsAdvisor ? PlanActor.Advisor : IsGuardian ? PlanActor.Guardian : PlanActor.Other;

    /// <summary>The role recorded in history and the audit for what this person does to this student's plan.</summary>
    public string ActingRole(Viewer me) =>
        IsSelf ? Roles.Student : IsAdvisor ? Roles.Advisor : IsGuardian ? Roles.Guardian : IsTeacher ? Roles.Teacher
        : me.Is(Roles.Principal) ? Roles.Principal : Roles.DistrictAdmin;

    /// <summary>The student, the advisor, the student's teachers and guardians may comment; others read.</summary>
    public bool CanComment => IsSelf || IsAdvisor || IsGuardian || IsTeacher;
}

internal static class PlanAccess
{
    public static Task<StudentRelation?> RelationAsync(AppDbContext db, Viewer me, int studentId, CancellationToken ct) =>
        db.Students.AsNoTracking().VisibleTo(db, me)
            .Where(s => s.Id == studentId)
            .Select(s => new StudentRelation(
                s.Id, s.FirstName + " " + s.LastName, s.GradeLevel,
                s.UserId == me.UserId,
                s.Advisory != null && s.Advisory.Active && s.Advisory.AdvisorUserId == me.UserId,
                s.GuardianLinks.Any(g => g.GuardianUserId == me.UserId && !g.CustodyRestricted),
                s.Enrollments.Any(e => e.Active && e.Section!.Active && e.Section.Teachers.Any(t => t.TeacherUserId == me.UserId))))
            .FirstOrDefaultAsync(ct);

    public static PlanContent ToContent(LearningPlan plan) => new(
        plan.Aspirations, plan.Reflection,
        [.. plan.Goals.OrderBy(g => g.SortOrder).ThenBy(g => g.Id).Select(g => new GoalContent(
            g.Id, g.Title, g.WhyItMatters, g.Strategy, g.TargetDate, g.Status, [.. g.Standards.Select(s => s.Id).Order()]))],
        [.. plan.Milestones.OrderBy(m => m.DueOn).ThenBy(m => m.Id).Select(m => new MilestoneContent(m.Id, m.Title, m.DueOn, m.CompletedOn))]);

    public static IQueryable<LearningPlan> WithContent(this IQueryable<LearningPlan> plans) =>
        plans.Include(p => p.Goals).ThenInclude(g => g.Standards).Include(p => p.Milestones).AsSplitQuery();
}
