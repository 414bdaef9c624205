using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Web.Features.Admin;

public sealed record CalendarRow(int Id, string Name, CalendarEntryKind Kind, DateOnly StartsOn, DateOnly EndsOn, string? School);

public sealed class CalendarEntryForm
{
    public string Name { get; set; } = "";
    public CalendarEntryKind Kind { get; set; } = CalendarEntryKind.Holiday;
    public DateTime? StartsOn { get; set; }
    public DateTime? EndsOn { get; set; }
    public int? SchoolId { get; set; }
}

/// <summary>
/// The school calendar: days without school for the whole district or one school. School-day rules (early-warning
/// flags, "no evidence in 10 school days") count with it, so holidays and breaks are never "missed".
/// </summary>
public sealed class CalendarService(IDbContextFactory<AppDbContext> dbf, CurrentUser currentUser, DistrictClock clock)
{
    public async Task<(SchoolYear? Year, IReadOnlyList<CalendarRow> Entries, IReadOnlyList<(int Id, string Name)> Schools)> ListAsync(CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        var year = await clock.CurrentYearAsync(ct);
        await using var db = await dbf.CreateDbContextAsync(ct);
        var districtId = await DistrictOfAdminAsync(db, me, ct);
        if (districtId is null || year is null)
        {
            return (year, [], []);
        }
        var entries = await db.CalendarEntries.AsNoTracking()
            .Where(c => c.DistrictId == districtId && c.EndsOn >= year.StartsOn && c.StartsOn <= year.EndsOn)
            .OrderBy(c => c.StartsOn)
            .Select(c => new CalendarRow(c.Id, c.Name, c.Kind, c.StartsOn, c.EndsOn, db.Schools.Where(s => s.Id == c.SchoolId).Select(s => s.Name).FirstOrDefault()))
            .ToListAsync(ct);
        var schools = await db.Schools.AsNoTracking().Where(s => s.DistrictId == districtId).OrderBy(s => s.Name).Select(s => new { s.Id, s.Name }).ToListAsync(ct);
        return (year, entries, [.. schools.Select(s => (s.Id, s.Name))]);
    }

    public async Task<Result> AddAsync(CalendarEntryForm form, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        var year = await clock.CurrentYearAsync(ct);
        if (string.IsNullOrWhiteSpace(form.Name) || form.Name.Length > 200)
        {
            return Result.Fail("Calendar.NameRequired");
        }
        if (form.StartsOn is null || form.EndsOn is null || form.EndsOn < form.StartsOn)
        {
            return Result.Fail("Calendar.DatesInvalid");
        }
        var (from, to) = (DateOnly.FromDateTime(form.StartsOn.Value), DateOnly.FromDateTime(form.EndsOn.Value));
        if (year is null || from < year.StartsOn || to > year.EndsOn)
        {
            return Result.Fail("Calendar.OutsideYear");
        }
        return await dbf.InTransactionAsync(async (db, token) =>
        {
            var districtId = await DistrictOfAdminAsync(db, me, token);
            if (districtId is null)
            {
                return Result.Fail("AccessDeniedBody");
            }
            if (form.SchoolId is { } schoolId && !await db.Schools.AnyAsync(s => s.Id == schoolId && s.DistrictId == districtId, token))
            {
                return Result.Fail("NotFoundBody");
            }
            db.CalendarEntries.Add(new CalendarEntry
            {
                DistrictId = districtId.Value,
                SchoolId = form.SchoolId,
                Name = form.Name.Trim(),
                Kind = form.Kind,
                StartsOn = from,
                EndsOn = to,
            });
            await db.SaveChangesAsync(token);
            return Result.Ok;
        }, ct);
    }

    public async Task<Result> DeleteAsync(int id, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        return await dbf.InTransactionAsync(async (db, token) =>
        {
            var districtId = await DistrictOfAdminAsync(db, me, token);
            var deleted = districtId is null ? 0 : await db.CalendarEntries.Where(c => c.Id == id && c.DistrictId == districtId).ExecuteDeleteAsync(token);
            return deleted == 1 ? Result.Ok : Result.Fail("NotFoundBody");
        }, ct);
    }

    private static async Task<int?> DistrictOfAdminAsync(AppDbContext db, Viewer me, CancellationToken ct) =>
        me.Is(Roles.DistrictAdmin)
            ? await db.DistrictIdAsync(me, ct)
            : null;
}
