using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Infrastructure;

/// <summary>
/// "Today" in the district's time zone, the current school year, and the school calendar.
/// Built on the injected <see cref="TimeProvider"/> so tests can move time.
/// </summary>
public sealed class DistrictClock(TimeProvider clock, IDbContextFactory<AppDbContext> dbf)
{
    public TimeProvider Time => clock;

    private ZoneCache? cachedZone;

    /// <summary>The district's time zone (re-read at most once a minute).</summary>
    public async Task<TimeZoneInfo> TimeZoneAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        if (cachedZone is { } cached && now - cached.ReadAt < TimeSpan.FromMinutes(1))
        {
            return cached.Zone;
        }
        await using var db = await dbf.CreateDbContextAsync(ct);
        var id = await db.Districts.AsNoTracking().OrderBy(d => d.Id).Select(d => d.TimeZoneId).FirstOrDefaultAsync(ct);
        var zone = id is not null && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var found) ? found : TimeZoneInfo.Utc;
        cachedZone = new ZoneCache(zone, now);
        return zone;
    }

    private sealed record ZoneCache(TimeZoneInfo Zone, DateTimeOffset ReadAt);

    public async Task<DateOnly> TodayAsync(CancellationToken ct = default) =>
        Today(await TimeZoneAsync(ct));

    public DateOnly Today(TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), zone).DateTime);

    /// <summary>The school year containing today, or the latest one that started before it.</summary>
    public async Task<SchoolYear?> CurrentYearAsync(CancellationToken ct = default)
    {
        var today = await TodayAsync(ct);
        await using var db = await dbf.CreateDbContextAsync(ct);
        return await db.SchoolYears.AsNoTracking()
            .Where(y => y.StartsOn <= today)
            .OrderByDescending(y => y.StartsOn)
            .FirstOrDefaultAsync(ct);
    }

    /// <summary>The calendar of a school in a school year: district-wide closures plus the school's own.</summary>
    public async Task<SchoolCalendar> CalendarAsync(SchoolYear year, int? schoolId, CancellationToken ct = default)
    {
        await using var db = await dbf.CreateDbContextAsync(ct);
        var closures = await db.CalendarEntries.AsNoTracking()
            .Where(c => c.SchoolId == null || c.SchoolId == schoolId)
            .Where(c => c.EndsOn >= year.StartsOn && c.StartsOn <= year.EndsOn)
            .Select(c => new { c.StartsOn, c.EndsOn })
            .ToListAsync(ct);
        return new SchoolCalendar(year.StartsOn, year.EndsOn, closures.Select(c => (c.StartsOn, c.EndsOn)));
    }
}
