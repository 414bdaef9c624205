using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Web.Features.People;

public sealed record AuditFilter(string? Person = null, string? Student = null, string? Action = null, DateOnly? From = null, DateOnly? To = null);

public sealed record AuditEntry(long Id, DateTimeOffset At, string UserId, string Who, string Role, int StudentId, string? Student, string Action, AuditOutcome Outcome);

public sealed record AuditResult(int Total, IReadOnlyList<AuditEntry> Entries, IReadOnlyList<string> Actions);

/// <summary>
/// The district admin's audit viewer: who viewed or changed which student's record. Filtered and paged in the database
/// (indexes on (student_id, at) and (user_id, at)); looking at a student's audit trail is itself audited.
/// </summary>
public sealed class AuditViewerService(IDbContextFactory<AppDbContext> dbf, CurrentUser currentUser, AuditLog audit, DistrictClock clock)
{
    public const int PageSize = 50;

    public async Task<AuditResult?> SearchAsync(AuditFilter filter, int page, CancellationToken ct = default) =>
        await SearchAsync(await currentUser.GetAsync(), filter, page, PageSize, "audit-viewer", ct);

    public async Task<AuditResult?> SearchAsync(Viewer me, AuditFilter filter, int page, int pageSize, string auditAction, CancellationToken ct = default)
    {
        if (!me.Is(Roles.DistrictAdmin))
        {
            return null;
        }
        var zone = await clock.TimeZoneAsync(ct);
        await using var db = await dbf.CreateDbContextAsync(ct);
        var district = await db.DistrictIdAsync(me, ct);
        if (district is null)
        {
            return null;
        }
        var rows = db.AccessAudit.AsNoTracking()
            .Where(a => db.Users.Any(u => u.Id == a.UserId && u.DistrictId == district));
        if (!string.IsNullOrWhiteSpace(filter.Person))
        {
            var pattern = Like(filter.Person);
            rows = rows.Where(a => db.Users.Any(u => u.Id == a.UserId && (EF.Functions.ILike(u.DisplayName, pattern) || EF.Functions.ILike(u.Email!, pattern))));
        }
        if (!string.IsNullOrWhiteSpace(filter.Student))
        {
            var pattern = Like(filter.Student);
            var number = filter.Student.Trim();
            rows = rows.Where(a => db.Students.Any(s => s.Id == a.StudentId && s.DistrictId == district
                && (s.StudentNumber == number || EF.Functions.ILike(s.FirstName + " " + s.LastName, pattern))));
        }
        if (!string.IsNullOrWhiteSpace(filter.Action))
        {
            rows = rows.Where(a => a.Action == filter.Action);
        }
        if (filter.From is { } from)
        {
            var since = Start(from, zone);
            rows = rows.Where(a => a.At >= since);
        }
        if (filter.To is { } to)
        {
            var until = Start(to.AddDays(1), zone);
            rows = rows.Where(a => a.At < until);
        }
        var total = await rows.CountAsync(ct);
        var entries = await rows.OrderByDescending(a => a.At).ThenByDescending(a => a.Id)
            .Skip(Math.Max(0, page) * pageSize).Take(pageSize)
            .Select(a => new AuditEntry(a.Id, a.At, a.UserId,
                db.Users.Where(u => u.Id == a.UserId).Select(u => u.DisplayName).FirstOrDefault() ?? a.UserId,
                a.Role, a.StudentId,
                db.Students.Where(s => s.Id == a.StudentId).Select(s => s.FirstName + " " + s.LastName).FirstOrDefault(),
                a.Action, a.Outcome))
            .ToListAsync(ct);
        var actions = await db.AccessAudit.AsNoTracking().Select(a => a.Action).Distinct().OrderBy(a => a).Take(200).ToListAsync(ct);
        await audit.ViewedAsync(me, entries.Where(e => e.Student is not null).Select(e => e.StudentId).Distinct(), auditAction);
        return new AuditResult(total, entries, actions);
    }

    private static DateTimeOffset Start(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    private static string Like(string text) =>
        "%" + text.Trim().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
}
