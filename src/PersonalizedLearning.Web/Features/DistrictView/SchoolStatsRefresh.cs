using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Web.Features.DistrictView;

/// <summary>
/// Rebuilds <c>school_stats</c> (one row per active school) with one set-based statement: every number is a GROUP BY
/// over the whole district, never a loop over schools or students. One node at a time: the refresh holds a
/// transaction-scoped advisory lock, and a node that cannot take it skips (the other node is refreshing).
/// </summary>
public sealed class SchoolStatsRefresh(IDbContextFactory<AppDbContext> dbf, DistrictClock clock, ILogger<SchoolStatsRefresh> logger)
{
    /// <summary>Advisory lock key held while refreshing ("PLSTATS").</summary>
    public const long LockKey = 0x504C5354415453;

    /// <summary>
    /// Refreshes every school's numbers, and the school dashboard's pre-aggregates (students' mastery bands, teacher
    /// activity) in the same transaction. <paramref name="notNewerThan"/>: skip when the table was refreshed more
    /// recently than this (the periodic refresh on several nodes). Returns the number of schools written, or null when
    /// another node holds the lock or the numbers are fresh enough.
    /// </summary>
    public Task<int?> RefreshAsync(TimeSpan? notNewerThan = null, CancellationToken ct = default) => RefreshAsync(notNewerThan, false, ct);

    /// <summary>
    /// As <see cref="RefreshAsync(TimeSpan?, CancellationToken)"/>; with <paramref name="waitForLock"/> a refresh running
    /// on another node is waited for (then this one runs too), instead of skipped.
    /// </summary>
    public async Task<int?> RefreshAsync(TimeSpan? notNewerThan, bool waitForLock, CancellationToken ct = default)
    {
        var zone = await clock.TimeZoneAsync(ct);
        var today = clock.Today(zone);
        var year = await clock.CurrentYearAsync(ct);
        var now = clock.Time.GetUtcNow();
        var week = SchoolReporting.WeekOf(today);

        // This week's school days so far, per school (district closures plus each school's own), as two parallel arrays.
        var schoolIds = new List<int>();
        var days = new List<DateOnly>();
        await using (var db = await dbf.CreateDbContextAsync(ct))
        {
            var schools = await db.Schools.AsNoTracking().Where(s => s.Active).Select(s => s.Id).ToListAsync(ct);
            if (year is not null)
            {
                var closures = await db.CalendarEntries.AsNoTracking()
                    .Where(c => c.EndsOn >= year.StartsOn && c.StartsOn <= year.EndsOn)
                    .Select(c => new { c.SchoolId, c.StartsOn, c.EndsOn }).ToListAsync(ct);
                foreach (var id in schools)
                {
                    var calendar = new SchoolCalendar(year.StartsOn, year.EndsOn,
                        closures.Where(c => c.SchoolId == null || c.SchoolId == id).Select(c => (c.StartsOn, c.EndsOn)));
                    foreach (var day in calendar.SchoolDays(week, today))
                    {
                        schoolIds.Add(id);
                        days.Add(day);
                    }
                }
            }
        }
        var ids = schoolIds.ToArray();
        var dayArray = days.ToArray();
        var yearId = year?.Id ?? 0;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();

        var written = await dbf.InTransactionAsync(async (db, t) =>
        {
            // Whole-district statements (every rollup once): more than the default 30 s on a big district under load.
            db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
            if (waitForLock)
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({LockKey})", t);
            }
            else
            {
                var mine = await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock({LockKey}) AS \"Value\"").ToListAsync(t);
                if (!mine.Single())
                {
                    return (int?)null;
                }
            }
            if (notNewerThan is { } fresh)
            {
                var since = now - fresh;
                if (await db.SchoolStats.AnyAsync(s => s.RefreshedAt > since, t))
                {
                    return null;
                }
            }
            var rows = await db.Database.ExecuteSqlAsync($"""
                WITH st AS (
                    SELECT id, school_id, advisory_id FROM students WHERE active
                ), per_student AS (
                    SELECT r.student_id,
                           count(*) FILTER (WHERE r.score IS NOT NULL) AS assessed,
                           count(*) FILTER (WHERE r.at_mastery) AS mastered
                    FROM mastery_rollups r JOIN st ON st.id = r.student_id
                    GROUP BY r.student_id
                ), by_school AS (
                    SELECT st.school_id,
                           count(*) AS students,
                           count(*) FILTER (WHERE p.assessed > 0 AND p.mastered * 100 >= {SchoolReporting.ProficientPercent} * p.assessed) AS proficient,
                           count(*) FILTER (WHERE p.assessed > 0 AND p.mastered * 100 < {SchoolReporting.ProficientPercent} * p.assessed
                                            AND p.mastered * 100 >= {SchoolReporting.DevelopingPercent} * p.assessed) AS developing,
                           count(*) FILTER (WHERE p.assessed > 0 AND p.mastered * 100 < {SchoolReporting.DevelopingPercent} * p.assessed) AS beginning,
                           count(*) FILTER (WHERE coalesce(p.assessed, 0) = 0) AS no_level_yet,
                           coalesce(sum(p.assessed), 0) AS assessed,
                           coalesce(sum(p.mastered), 0) AS mastered,
                           count(*) FILTER (WHERE a.id IS NULL OR NOT a.active) AS without_advisor
                    FROM st
                    LEFT JOIN per_student p ON p.student_id = st.id
                    LEFT JOIN advisories a ON a.id = st.advisory_id
                    GROUP BY st.school_id
                ), flags AS (
                    SELECT st.school_id, count(DISTINCT f.student_id) AS at_risk, count(*) AS open_flags
                    FROM early_warning_flags f JOIN st ON st.id = f.student_id
                    WHERE f.resolved_at IS NULL
                    GROUP BY st.school_id
                ), days AS (
                    SELECT d.school_id, d.day FROM unnest({ids}::int[], {dayArray}::date[]) AS d(school_id, day)
                ), members AS (
                    SELECT a.school_id, count(*) AS members
                    FROM advisories a JOIN st ON st.advisory_id = a.id
                    WHERE a.active
                    GROUP BY a.school_id
                ), done AS (
                    SELECT a.school_id, count(*) AS done
                    FROM check_ins c
                    JOIN advisories a ON a.id = c.advisory_id AND a.active
                    JOIN st ON st.id = c.student_id AND st.advisory_id = a.id
                    JOIN days d ON d.school_id = a.school_id AND d.day = c.day
                    GROUP BY a.school_id
                ), plans AS (
                    SELECT st.school_id, count(*) AS active_plans
                    FROM learning_plans p JOIN st ON st.id = p.student_id
                    WHERE p.school_year_id = {yearId} AND p.status = {nameof(PlanStatus.Active)}
                    GROUP BY st.school_id
                ), overdue AS (
                    SELECT st.school_id, count(*) AS overdue_goals
                    FROM plan_goals g
                    JOIN learning_plans p ON p.id = g.plan_id
                    JOIN st ON st.id = p.student_id
                    WHERE p.school_year_id = {yearId} AND g.target_date < {today}
                      AND g.status IN ({nameof(GoalStatus.NotStarted)}, {nameof(GoalStatus.InProgress)})
                    GROUP BY st.school_id
                )
                INSERT INTO school_stats (school_id, district_id, students, proficient, developing, beginning, no_level_yet,
                    rollups_assessed, rollups_at_mastery, students_at_risk, open_flags, without_advisor,
                    check_ins_done, check_ins_expected, active_plans, overdue_goals, refreshed_at)
                SELECT sc.id, sc.district_id,
                       coalesce(b.students, 0), coalesce(b.proficient, 0), coalesce(b.developing, 0), coalesce(b.beginning, 0),
                       coalesce(b.no_level_yet, 0), coalesce(b.assessed, 0), coalesce(b.mastered, 0),
                       coalesce(f.at_risk, 0), coalesce(f.open_flags, 0), coalesce(b.without_advisor, 0),
                       coalesce(dn.done, 0),
                       coalesce(m.members, 0) * (SELECT count(*) FROM days WHERE days.school_id = sc.id),
                       coalesce(pl.active_plans, 0), coalesce(o.overdue_goals, 0), {now}
                FROM schools sc
                LEFT JOIN by_school b ON b.school_id = sc.id
                LEFT JOIN flags f ON f.school_id = sc.id
                LEFT JOIN members m ON m.school_id = sc.id
                LEFT JOIN done dn ON dn.school_id = sc.id
                LEFT JOIN plans pl ON pl.school_id = sc.id
                LEFT JOIN overdue o ON o.school_id = sc.id
                WHERE sc.active
                ON CONFLICT (school_id) DO UPDATE SET
                    district_id = excluded.district_id, students = excluded.students, proficient = excluded.proficient,
                    developing = excluded.developing, beginning = excluded.beginning, no_level_yet = excluded.no_level_yet,
                    rollups_assessed = excluded.rollups_assessed, rollups_at_mastery = excluded.rollups_at_mastery,
                    students_at_risk = excluded.students_at_risk, open_flags = excluded.open_flags,
                    without_advisor = excluded.without_advisor, check_ins_done = excluded.check_ins_done,
                    check_ins_expected = excluded.check_ins_expected, active_plans = excluded.active_plans,
                    overdue_goals = excluded.overdue_goals, refreshed_at = excluded.refreshed_at
                """, t);
            await db.Database.ExecuteSqlAsync($"DELETE FROM school_stats WHERE school_id NOT IN (SELECT id FROM schools WHERE active)", t);
            // The school dashboard's pre-aggregates: "as of" the same refreshed_at.
            await Features.SchoolDashboard.DashboardSnapshots.RefreshAsync(db, zone, today, t);
            return (int?)rows;
        }, ct);
        if (written is not null)
        {
            logger.LogInformation("School stats refreshed for {Schools} schools in {Ms} ms", written,
                (int)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        return written;
    }
}

/// <summary>
/// Refreshes the district view's numbers every DistrictView:RefreshMinutes (default 15; 0 turns the periodic refresh
/// off — the tests do, and refresh on demand). With several nodes each one wakes up, but a refresh younger than half the
/// interval, or one running on another node, makes the others skip.
/// </summary>
public sealed class SchoolStatsRefresher(SchoolStatsRefresh refresh, IConfiguration config, ILogger<SchoolStatsRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var minutes = config.GetValue("DistrictView:RefreshMinutes", 15.0);
        if (minutes <= 0)
        {
            return;
        }
        var interval = TimeSpan.FromMinutes(minutes);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(config.GetValue("DistrictView:FirstRefreshSeconds", 30.0)), stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await refresh.RefreshAsync(interval / 2, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "School stats refresh failed");
                }
                await Task.Delay(interval, stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }
}
