using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Features.SchoolDashboard;

/// <summary>
/// A student's mastery band as of the last refresh (table <c>student_mastery_bands</c>): over all their rollups
/// (<see cref="AreaId"/> = <see cref="AllAreas"/>) and per framework area (a top-level standard with everything below
/// it). Written only by <see cref="DashboardSnapshots.RefreshAsync"/>, together with <c>school_stats</c>. The dashboard
/// counts these rows and the drill-down lists them, so a number and its list always agree; a student with no row has
/// no level yet.
/// </summary>
public sealed class StudentMasteryBand
{
    /// <summary>The <see cref="AreaId"/> of the band over all of a student's standards (standard ids start at 1).</summary>
    public const int AllAreas = 0;

    public int StudentId { get; set; }
    public int AreaId { get; set; }
    /// <summary>Rollups with a score, and those at mastery.</summary>
    public int Assessed { get; set; }
    public int Mastered { get; set; }
    public MasteryBand Band { get; set; }
}

/// <summary>
/// Teacher activity as of the last refresh (table <c>section_week_activity</c>): evidence recorded (not voided) per
/// section per week (Monday, district time) over the dashboard's last <see cref="SchoolDashboardService.ActivityWeekCount"/>
/// weeks.
/// </summary>
public sealed class SectionWeekActivity
{
    public int SectionId { get; set; }
    public DateOnly Week { get; set; }
    public int Evidence { get; set; }
}

/// <summary>
/// The school dashboard's two pre-aggregates, rebuilt set-based inside the <c>school_stats</c> refresh (same
/// transaction, same advisory lock, same "as of" time). They replace the two scans that dominated the dashboard: every
/// rollup of the school's students (bands by grade, group and area) and the school's last weeks of evidence (teacher
/// activity).
/// </summary>
public static class DashboardSnapshots
{
    /// <summary>Monday of the first week the activity table shows, as an instant in the district's time zone.</summary>
    public static (DateOnly From, DateTimeOffset Since) ActivityStart(TimeZoneInfo zone, DateOnly today)
    {
        var from = SchoolReporting.WeekOf(today).AddDays(-7 * (SchoolDashboardService.ActivityWeekCount - 1));
        var local = from.ToDateTime(TimeOnly.MinValue);
        return (from, new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime());
    }

    /// <summary>Rebuilds both tables (inside the caller's transaction). Returns the band rows written.</summary>
    public static async Task<int> RefreshAsync(AppDbContext db, TimeZoneInfo zone, DateOnly today, CancellationToken ct)
    {
        // DELETE + INSERT, not TRUNCATE: readers keep seeing the previous numbers (MVCC) until this transaction commits.
        await db.Database.ExecuteSqlAsync($"DELETE FROM student_mastery_bands", ct);
        // One pass over the rollups of active students, grouped per student and area and per student (GROUPING SETS);
        // areas through the same recursive CTE the live query used. Bands exactly as SchoolReporting.Band.
        var bands = await db.Database.ExecuteSqlAsync($"""
            WITH RECURSIVE tree AS (
                SELECT id, id AS area_id FROM standards WHERE parent_id IS NULL
                UNION ALL
                SELECT s.id, t.area_id FROM standards s JOIN tree t ON s.parent_id = t.id
            ), per AS (
                SELECT r.student_id, CASE WHEN GROUPING(t.area_id) = 1 THEN {StudentMasteryBand.AllAreas} ELSE t.area_id END AS area_id,
                       count(*) FILTER (WHERE r.score IS NOT NULL)::int AS assessed,
                       count(*) FILTER (WHERE r.at_mastery)::int AS mastered
                FROM mastery_rollups r
                JOIN students s ON s.id = r.student_id AND s.active
                JOIN tree t ON t.id = r.standard_id
                GROUP BY GROUPING SETS ((r.student_id, t.area_id), (r.student_id))
            )
            INSERT INTO student_mastery_bands (student_id, area_id, assessed, mastered, band)
            SELECT student_id, area_id, assessed, mastered,
                   CASE WHEN assessed = 0 THEN {(int)MasteryBand.NoLevelYet}
                        WHEN mastered * 100 >= {SchoolReporting.ProficientPercent} * assessed THEN {(int)MasteryBand.Proficient}
                        WHEN mastered * 100 >= {SchoolReporting.DevelopingPercent} * assessed THEN {(int)MasteryBand.Developing}
                        ELSE {(int)MasteryBand.Beginning} END
            FROM per
            """, ct);

        var (_, since) = ActivityStart(zone, today);
        await db.Database.ExecuteSqlAsync($"DELETE FROM section_week_activity", ct);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO section_week_activity (section_id, week, evidence)
            SELECT e.section_id, (date_trunc('week', e.recorded_at AT TIME ZONE {zone.Id}))::date, count(*)::int
            FROM evidence e JOIN sections sc ON sc.id = e.section_id AND sc.active
            WHERE e.recorded_at >= {since} AND e.voided_at IS NULL
            GROUP BY 1, 2
            """, ct);
        return bands;
    }
}
