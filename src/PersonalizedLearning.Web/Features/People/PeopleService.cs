using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Web.Features.People;

/// <summary>
/// The district admin's people screens: find accounts, grant and revoke roles, issue a password reset link,
/// lock and unlock, link guardians to students, and assign a student's advisory. Only district admins, only their own
/// district. Account changes are checked against Identity's concurrency stamp (two admins may work at once) and logged
/// by id; student-related changes are written to the access audit in the same transaction.
/// </summary>
public sealed class PeopleService(
    IDbContextFactory<AppDbContext> dbf, IServiceScopeFactory scopes, CurrentUser currentUser, AuditLog audit,
    ILogger<PeopleService> logger)
{
    public const int PageSize = 25;

    private async Task<(Viewer Me, int DistrictId)?> AdminAsync(AppDbContext db, CancellationToken ct)
    {
        var me = await currentUser.GetAsync();
        if (!me.Is(Roles.DistrictAdmin))
        {
            return null;
        }
        var district = await db.DistrictIdAsync(me, ct);
        return district is null ? null : (me, district.Value);
    }

    public async Task<PeopleResult?> SearchAsync(string? text, string? role, int page, CancellationToken ct = default)
    {
        await using var db = await dbf.CreateDbContextAsync(ct);
        if (await AdminAsync(db, ct) is not { } admin)
        {
            return null;
        }
        var users = db.Users.AsNoTracking().Where(u => u.DistrictId == admin.DistrictId);
        if (!string.IsNullOrWhiteSpace(text))
        {
            var pattern = "%" + text.Trim().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
            users = users.Where(u => EF.Functions.ILike(u.DisplayName, pattern) || EF.Functions.ILike(u.Email!, pattern));
        }
        if (!string.IsNullOrEmpty(role))
        {
            users = users.Where(u => db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == role)));
        }
        var now = DateTimeOffset.UtcNow;
        var total = await users.CountAsync(ct);
        var rows = await users.OrderBy(u => u.DisplayName).ThenBy(u => u.Id).Skip(Math.Max(0, page) * PageSize).Take(PageSize)
            .Select(u => new PersonRow(u.Id, u.DisplayName, u.Email,
                db.Roles.Where(r => db.UserRoles.Any(ur => ur.UserId == u.Id && ur.RoleId == r.Id)).Select(r => r.Name!).ToList(),
                db.Schools.Where(s => s.Id == u.SchoolId).Select(s => s.Name).FirstOrDefault(),
                u.Active, u.LockoutEnd != null && u.LockoutEnd > now))
            .ToListAsync(ct);
        return new PeopleResult(total, rows);
    }

    public async Task<PersonDetail?> DetailAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbf.CreateDbContextAsync(ct);
        if (await AdminAsync(db, ct) is not { } admin)
        {
            return null;
        }
        var now = DateTimeOffset.UtcNow;
        var detail = await db.Users.AsNoTracking().Where(u => u.Id == userId && u.DistrictId == admin.DistrictId)
            .Select(u => new PersonDetail(u.Id, u.DisplayName, u.Email,
                db.Roles.Where(r => db.UserRoles.Any(ur => ur.UserId == u.Id && ur.RoleId == r.Id)).Select(r => r.Name!).ToList(),
                db.Schools.Where(s => s.Id == u.SchoolId).Select(s => s.Name).FirstOrDefault(),
                u.Active, u.LockoutEnd != null && u.LockoutEnd > now, u.ConcurrencyStamp ?? "",
                db.GuardianLinks.Where(g => g.GuardianUserId == u.Id).OrderBy(g => g.Student!.LastName)
                    .Select(g => new GuardianLinkRow(g.Id, g.StudentId, g.Student!.FirstName + " " + g.Student.LastName, g.Student.StudentNumber,
                        g.Relationship, g.CustodyRestricted)).ToList()))
            .FirstOrDefaultAsync(ct);
        if (detail is not null && detail.Children.Count > 0)
        {
            await audit.ViewedAsync(admin.Me, detail.Children.Select(c => c.StudentId), "admin-guardian-links");
        }
        return detail;
    }

    /// <summary>Runs an Identity change on a user of the admin's district, refusing it when someone changed the account meanwhile.</summary>
    private async Task<Result> ChangeUserAsync(string userId, string stamp, Func<UserManager<AppUser>, AppUser, Viewer, Task<IdentityResult>> change, string what, CancellationToken ct)
    {
        await using var db = await dbf.CreateDbContextAsync(ct);
        if (await AdminAsync(db, ct) is not { } admin)
        {
            return Result.Fail("AccessDeniedBody");
        }
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.FindByIdAsync(userId);
        if (user is null || user.DistrictId != admin.DistrictId)
        {
            return Result.Fail("NotFoundBody");
        }
        if (user.ConcurrencyStamp != stamp)
        {
            return Result.Fail("People.Conflict");
        }
        try
        {
            var result = await change(users, user, admin.Me);
            if (!result.Succeeded)
            {
                return result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.ConcurrencyFailure))
                    ? Result.Fail("People.Conflict")
                    : Result.Fail("People.Failed", string.Join(" ", result.Errors.Select(e => e.Description)));
            }
        }
        catch (DbUpdateConcurrencyException)
        {
            return Result.Fail("People.Conflict");
        }
        logger.LogInformation("Admin {AdminId} changed user {UserId}: {Change}", admin.Me.UserId, userId, what);
        return Result.Ok;
    }

    public Task<Result> SetRoleAsync(string userId, string role, bool grant, string stamp, CancellationToken ct = default)
    {
        if (!Roles.All.Contains(role))
        {
            return Task.FromResult(Result.Fail("People.UnknownRole"));
        }
        return ChangeUserAsync(userId, stamp, async (users, user, me) =>
        {
            var has = await users.IsInRoleAsync(user, role);
            if (!grant && role == Roles.DistrictAdmin && user.Id == me.UserId)
            {
                return IdentityResult.Failed(new IdentityError { Code = "Self", Description = "" });
            }
            var result = grant == has ? IdentityResult.Success
                : grant ? await users.AddToRoleAsync(user, role) : await users.RemoveFromRoleAsync(user, role);
            return result.Succeeded ? await users.UpdateSecurityStampAsync(user) : result;
        }, grant ? $"grant {role}" : $"revoke {role}", ct);
    }

    /// <summary>Locks (until unlocked) or unlocks an account; locking also ends the person's open sessions.</summary>
    public Task<Result> SetLockedAsync(string userId, bool locked, string stamp, CancellationToken ct = default) =>
        ChangeUserAsync(userId, stamp, async (users, user, me) =>
        {
            if (locked && user.Id == me.UserId)
            {
                return IdentityResult.Failed(new IdentityError { Code = "Self", Description = "" });
            }
            user.LockoutEnabled = true;
            user.LockoutEnd = locked ? DateTimeOffset.MaxValue : null;
            user.AccessFailedCount = 0;
            if (locked)
            {
                await users.UpdateSecurityStampAsync(user);
                return IdentityResult.Success;
            }
            return await users.UpdateAsync(user);
        }, locked ? "lock" : "unlock", ct);

    /// <summary>A one-time link to set a new password (valid for a day), for the admin to send to the person.</summary>
    public async Task<(Result Result, string? Link)> ResetLinkAsync(string userId, string baseUri, CancellationToken ct = default)
    {
        await using var db = await dbf.CreateDbContextAsync(ct);
        if (await AdminAsync(db, ct) is not { } admin)
        {
            return (Result.Fail("AccessDeniedBody"), null);
        }
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.FindByIdAsync(userId);
        if (user is null || user.DistrictId != admin.DistrictId)
        {
            return (Result.Fail("NotFoundBody"), null);
        }
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var code = WebEncoders.Base64UrlEncode(System.Text.Encoding.UTF8.GetBytes(token));
        logger.LogInformation("Admin {AdminId} issued a password reset link for user {UserId}", admin.Me.UserId, userId);
        return (Result.Ok, $"{baseUri.TrimEnd('/')}/Account/ResetPassword?user={Uri.EscapeDataString(user.Id)}&code={code}");
    }

    public async Task<Result> LinkGuardianAsync(string guardianUserId, string studentNumber, GuardianRelationship relationship, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        if (string.IsNullOrWhiteSpace(studentNumber))
        {
            return Result.Fail("People.StudentNumberRequired");
        }
        return await dbf.InTransactionAsync(async (db, t) =>
        {
            if (await AdminAsync(db, t) is not { } admin)
            {
                return Result.Fail("AccessDeniedBody");
            }
            var guardian = await db.Users.Where(u => u.Id == guardianUserId && u.DistrictId == admin.DistrictId).Select(u => u.Id).FirstOrDefaultAsync(t);
            if (guardian is null)
            {
                return Result.Fail("NotFoundBody");
            }
            var isGuardian = await db.UserRoles.AnyAsync(ur => ur.UserId == guardian && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == Roles.Guardian), t);
            if (!isGuardian)
            {
                return Result.Fail("People.NotAGuardian");
            }
            var number = studentNumber.Trim();
            var student = await db.Students.VisibleTo(db, admin.Me).Where(s => s.StudentNumber == number).Select(s => (int?)s.Id).FirstOrDefaultAsync(t);
            if (student is null)
            {
                return Result.Fail("People.NoSuchStudent", number);
            }
            if (await db.GuardianLinks.AnyAsync(g => g.GuardianUserId == guardian && g.StudentId == student, t))
            {
                return Result.Fail("People.AlreadyLinked");
            }
            db.GuardianLinks.Add(new GuardianLink { GuardianUserId = guardian, StudentId = student.Value, Relationship = relationship });
            db.AccessAudit.Add(audit.Row(admin.Me, student.Value, "admin-guardian-link"));
            await db.SaveChangesAsync(t);
            await ChangeFeed.NotifyAsync(db, [student.Value], "guardians", t);
            return Result.Ok;
        }, ct);
    }

    public async Task<Result> UnlinkGuardianAsync(int linkId, CancellationToken ct = default) =>
        await ChangeLinkAsync(linkId, "admin-guardian-unlink", (db, link) => db.GuardianLinks.Remove(link), ct);

    public async Task<Result> SetCustodyRestrictedAsync(int linkId, bool restricted, CancellationToken ct = default) =>
        await ChangeLinkAsync(linkId, restricted ? "admin-custody-restrict" : "admin-custody-lift", (_, link) => link.CustodyRestricted = restricted, ct);

    private async Task<Result> ChangeLinkAsync(int linkId, string action, Action<AppDbContext, GuardianLink> change, CancellationToken ct) =>
        await dbf.InTransactionAsync(async (db, t) =>
        {
            if (await AdminAsync(db, t) is not { } admin)
            {
                return Result.Fail("AccessDeniedBody");
            }
            var link = await db.GuardianLinks.Where(g => g.Id == linkId && db.Students.VisibleTo(db, admin.Me).Any(s => s.Id == g.StudentId)).FirstOrDefaultAsync(t);
            if (link is null)
            {
                return Result.Fail("NotFoundBody");
            }
            change(db, link);
            db.AccessAudit.Add(audit.Row(admin.Me, link.StudentId, action));
            await db.SaveChangesAsync(t);
            await ChangeFeed.NotifyAsync(db, [link.StudentId], "guardians", t);
            return Result.Ok;
        }, ct);

    public async Task<IReadOnlyList<StudentAdminRow>?> FindStudentsAsync(string text, CancellationToken ct = default)
    {
        await using var db = await dbf.CreateDbContextAsync(ct);
        if (await AdminAsync(db, ct) is not { } admin)
        {
            return null;
        }
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }
        var pattern = "%" + text.Trim().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
        var rows = await db.Students.AsNoTracking().VisibleTo(db, admin.Me)
            .Where(s => EF.Functions.ILike(s.FirstName + " " + s.LastName, pattern) || EF.Functions.ILike(s.StudentNumber, pattern))
            .OrderBy(s => s.LastName).ThenBy(s => s.FirstName).Take(PageSize)
            .Select(s => new StudentAdminRow(s.Id, s.FirstName + " " + s.LastName, s.StudentNumber, s.SchoolId, s.School!.Name, s.GradeLevel,
                s.AdvisoryId, s.Advisory != null ? s.Advisory.Name : null))
            .ToListAsync(ct);
        await audit.ViewedAsync(admin.Me, rows.Select(r => r.Id), "admin-student-search");
        return rows;
    }

    public async Task<IReadOnlyList<AdvisoryOption>> AdvisoriesAsync(CancellationToken ct = default)
    {
        await using var db = await dbf.CreateDbContextAsync(ct);
        if (await AdminAsync(db, ct) is not { } admin)
        {
            return [];
        }
        return await db.Advisories.AsNoTracking()
            .Where(a => a.Active && db.Schools.Any(s => s.Id == a.SchoolId && s.DistrictId == admin.DistrictId))
            .OrderBy(a => a.Name).Select(a => new AdvisoryOption(a.Id, a.Name, a.SchoolId)).ToListAsync(ct);
    }

    /// <summary>Puts a student in an advisory of their own school (or none).</summary>
    public async Task<Result> AssignAdvisoryAsync(int studentId, int? advisoryId, CancellationToken ct = default) =>
        await dbf.InTransactionAsync(async (db, t) =>
        {
            if (await AdminAsync(db, t) is not { } admin)
            {
                return Result.Fail("AccessDeniedBody");
            }
            var student = await db.Students.VisibleTo(db, admin.Me).FirstOrDefaultAsync(s => s.Id == studentId, t);
            if (student is null)
            {
                return Result.Fail("NotFoundBody");
            }
            if (advisoryId is not null && !await db.Advisories.AnyAsync(a => a.Id == advisoryId && a.Active && a.SchoolId == student.SchoolId, t))
            {
                return Result.Fail("People.AdvisoryOtherSchool");
            }
            student.AdvisoryId = advisoryId;
            db.AccessAudit.Add(audit.Row(admin.Me, student.Id, "admin-advisory-assign"));
            await db.SaveChangesAsync(t);
            await ChangeFeed.NotifyAsync(db, [student.Id], "advisory", t);
            return Result.Ok;
        }, ct);
}
