using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Web.Features.Profiles;

/// <summary>
/// Learner profiles: the student edits their own; staff who serve the student and the student's guardians read it.
/// Support notes (IEP/504, accommodations) are read only by staff who serve the student: their teachers, advisor,
/// principal and district administrators — never by students or families.
/// </summary>
public sealed class ProfileService(
    IDbContextFactory<AppDbContext> dbf, CurrentUser currentUser, AuditLog audit, TimeProvider clock)
{
    public async Task<int?> MyStudentIdAsync(CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        await using var db = await dbf.CreateDbContextAsync(ct);
        return await db.OwnStudentIdAsync(me, ct);
    }

    public async Task<ProfileView?> GetAsync(int studentId, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        await using var db = await dbf.CreateDbContextAsync(ct);
        var row = await db.Students.AsNoTracking().VisibleTo(db, me).Where(s => s.Id == studentId)
            .Select(s => new
            {
                Name = s.FirstName + " " + s.LastName,
                IsSelf = s.UserId == me.UserId,
                Profile = db.LearnerProfiles.FirstOrDefault(p => p.StudentId == s.Id),
            })
            .FirstOrDefaultAsync(ct);
        if (row is null)
        {
            await audit.DeniedAsync(me, studentId, "profile-view");
            return null;
        }
        var serves = await ServesAsync(db, me, studentId, ct);
        await audit.ViewedAsync(me, studentId, serves ? "profile-view-with-support" : "profile-view");
        var p = row.Profile ?? new LearnerProfile { StudentId = studentId };
        return new ProfileView(studentId, row.Name, ToForm(p), p.Version, p.UpdatedAt, row.IsSelf,
            serves ? new SupportView(p.HasIep, p.Has504, p.EnglishLearner, p.SupportNotes) : null);
    }

    /// <summary>Saves the student's own profile; a save against an older version is refused with the stored version.</summary>
    public async Task<ProfileSaveOutcome> SaveAsync(int studentId, uint version, ProfileForm form, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        var problems = form.Problems();
        if (problems.Count > 0)
        {
            return new ProfileSaveOutcome.Refused("FixHighlighted", problems);
        }
        try
        {
            return await dbf.InTransactionAsync<ProfileSaveOutcome>(async (db, token) =>
            {
                var isSelf = await db.Students.VisibleTo(db, me).AnyAsync(s => s.Id == studentId && s.UserId == me.UserId, token);
                if (!isSelf)
                {
                    await audit.DeniedAsync(me, studentId, "profile-edit");
                    return new ProfileSaveOutcome.Refused("Problem.OnlyTheStudent", new Dictionary<string, string>());
                }
                var profile = await db.LearnerProfiles.FirstOrDefaultAsync(p => p.StudentId == studentId, token);
                if (profile is null)
                {
                    profile = new LearnerProfile { StudentId = studentId };
                    db.LearnerProfiles.Add(profile);
                }
                else if (profile.Version != version)
                {
                    return new ProfileSaveOutcome.Conflict(ToForm(profile), profile.Version);
                }
                else
                {
                    db.Entry(profile).Property(p => p.Version).OriginalValue = version;
                }
                profile.Strengths = form.Strengths;
                profile.Challenges = form.Challenges;
                profile.Interests = form.Interests;
                profile.InterestClusters = [.. form.InterestClusters];
                profile.Aspirations = form.Aspirations;
                profile.LearningPreferences = form.LearningPreferences;
                profile.Motivation = form.Motivation;
                profile.UpdatedAt = clock.GetUtcNow();
                db.AccessAudit.Add(audit.Row(me, studentId, "profile-edit"));
                await db.SaveChangesAsync(token);
                await ChangeFeed.NotifyAsync(db, [studentId], "profile", token);
                return new ProfileSaveOutcome.Saved(profile.Version);
            }, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            await using var db = await dbf.CreateDbContextAsync(ct);
            var stored = await db.LearnerProfiles.AsNoTracking().FirstAsync(p => p.StudentId == studentId, ct);
            return new ProfileSaveOutcome.Conflict(ToForm(stored), stored.Version);
        }
    }

    /// <summary>Staff who serve the student: their teachers, advisor, principal, or a district admin.</summary>
    private static async Task<bool> ServesAsync(AppDbContext db, Viewer me, int studentId, CancellationToken ct)
    {
        // The same access filter, with only the viewer's staff roles: a teacher who is also a parent sees support
        // notes of students they teach, not of their own child's classmates' families.
        var staff = me with { Roles = me.Roles.Where(r => r is not (Roles.Student or Roles.Guardian)).ToHashSet() };
        return staff.Roles.Count > 0 && await db.Students.VisibleTo(db, staff).AnyAsync(s => s.Id == studentId, ct);
    }

    private static ProfileForm ToForm(LearnerProfile p) => new()
    {
        Strengths = p.Strengths,
        Challenges = p.Challenges,
        Interests = p.Interests,
        InterestClusters = [.. p.InterestClusters],
        Aspirations = p.Aspirations,
        LearningPreferences = p.LearningPreferences,
        Motivation = p.Motivation,
    };
}
