using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Infrastructure;

/// <summary>
/// The one place that decides which students a user may see. Every query that touches a student starts here.
/// Student → self; teacher → enrolled in own active sections; advisor → own advisory; guardian → linked children
/// without a custody restriction; principal → own school; district admin → the district. Several roles give the
/// union. The relationships are read from the database in the same query, so removed access is gone at once.
/// </summary>
public static class StudentAccess
{
    public static IQueryable<Student> VisibleTo(this IQueryable<Student> students, AppDbContext db, Viewer me)
    {
        var id = me.UserId;
        var isStudent = me.Is(Roles.Student);
        var isTeacher = me.Is(Roles.Teacher);
        var isAdvisor = me.Is(Roles.Advisor);
        var isGuardian = me.Is(Roles.Guardian);
        var isPrincipal = me.Is(Roles.Principal);
        var isAdmin = me.Is(Roles.DistrictAdmin);

        return students.Where(s =>
            (isAdmin && db.Users.Any(u => u.Id == id && u.Active && u.DistrictId == s.DistrictId))
            || (s.Active && (
                (isStudent && s.UserId == id)
                || (isTeacher && s.Enrollments.Any(e => e.Active && e.Section!.Active
                    && e.Section.Teachers.Any(t => t.TeacherUserId == id)))
                || (isAdvisor && s.Advisory != null && s.Advisory.Active && s.Advisory.AdvisorUserId == id)
                || (isGuardian && s.GuardianLinks.Any(g => g.GuardianUserId == id && !g.CustodyRestricted))
                || (isPrincipal && db.Users.Any(u => u.Id == id && u.Active && u.SchoolId == s.SchoolId)))));
    }

    /// <summary>The student record of a signed-in student (for "my plan", "my profile"); null for everyone else.</summary>
    public static Task<int?> OwnStudentIdAsync(this AppDbContext db, Viewer me, CancellationToken ct = default) =>
        db.Students.Where(s => s.UserId == me.UserId && s.Active).Select(s => (int?)s.Id).FirstOrDefaultAsync(ct);

    /// <summary>The district of the signed-in user while their account is active; null otherwise.</summary>
    public static Task<int?> DistrictIdAsync(this AppDbContext db, Viewer me, CancellationToken ct = default) =>
        db.Users.Where(u => u.Id == me.UserId && u.Active).Select(u => (int?)u.DistrictId).FirstOrDefaultAsync(ct);
}
