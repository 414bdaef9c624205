using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;
using PersonalizedLearning.Bench.Core;
using PersonalizedLearning.Bench.Generation;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Features.DistrictView;
using PersonalizedLearning.Web.Features.SchoolDashboard;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Bench.Scenarios;

/// <summary>
/// Scenario 4: the school dashboard a principal opens (SchoolDashboardService.DashboardAsync) for the 2,000-student
/// school, against the same aggregate numbers computed with bare SQL: the minimal set of aggregate statements (one per
/// dashboard section), prepared, run one after another on one open connection. Then the district view read from the
/// pre-aggregated school_stats table (DistrictViewService.ViewAsync, goal p95 ≤ 100 ms) and the refresh of that table
/// (reported, no goal).
/// </summary>
public sealed class S4PrincipalDashboard : IScenario
{
    public string Id => "4";
    public string Title => "Principal school dashboard, 2,000 students";
    public double Order => 4;

    /// <summary>Bands by grade and by every student group: one pass over the school's rollups, GROUPING SETS.</summary>
    private const string BandsSql = """
        WITH p AS (
            SELECT s.id, s.grade_level, s.sex, s.race_ethnicity, s.english_learner, s.has_iep,
                   count(r.student_id) FILTER (WHERE r.score IS NOT NULL) AS assessed,
                   count(r.student_id) FILTER (WHERE r.at_mastery) AS mastered
            FROM students s LEFT JOIN mastery_rollups r ON r.student_id = s.id
            WHERE s.school_id = $1 AND s.active
            GROUP BY s.id
        ), b AS (
            SELECT *, CASE WHEN assessed = 0 THEN 0 WHEN mastered * 100 >= 70 * assessed THEN 3
                           WHEN mastered * 100 >= 40 * assessed THEN 2 ELSE 1 END AS band
            FROM p
        )
        SELECT grade_level, sex, race_ethnicity, english_learner, has_iep, band, count(*)::int
        FROM b
        GROUP BY GROUPING SETS ((grade_level, band), (sex, band), (race_ethnicity, band), (english_learner, band), (has_iep, band))
        """;

    /// <summary>Bands by framework area (the same recursive CTE as the app).</summary>
    private const string AreasSql = """
        WITH RECURSIVE tree AS (
            SELECT id, id AS area_id FROM standards WHERE parent_id IS NULL
            UNION ALL
            SELECT s.id, t.area_id FROM standards s JOIN tree t ON s.parent_id = t.id
        ), per_student AS (
            SELECT r.student_id, t.area_id,
                   count(*) FILTER (WHERE r.score IS NOT NULL) AS assessed,
                   count(*) FILTER (WHERE r.at_mastery) AS mastered
            FROM mastery_rollups r JOIN tree t ON t.id = r.standard_id JOIN students s ON s.id = r.student_id
            WHERE s.school_id = $1 AND s.active
            GROUP BY r.student_id, t.area_id
        )
        SELECT a.area_id, st.code, st.statement,
               CASE WHEN assessed = 0 THEN 0 WHEN mastered * 100 >= 70 * assessed THEN 3
                    WHEN mastered * 100 >= 40 * assessed THEN 2 ELSE 1 END AS band, count(*)::int
        FROM per_student a JOIN standards st ON st.id = a.area_id
        GROUP BY 1, 2, 3, 4
        """;

    /// <summary>Students at risk: open flags by rule, students with any open flag, flags raised per week.</summary>
    private const string FlagsSql = """
        WITH f AS (
            SELECT f.rule, f.student_id, f.raised_at, f.resolved_at
            FROM early_warning_flags f JOIN students s ON s.id = f.student_id
            WHERE s.school_id = $1 AND s.active
        )
        SELECT 'rule', rule, count(*)::int, count(DISTINCT student_id)::int FROM f WHERE resolved_at IS NULL GROUP BY rule
        UNION ALL
        SELECT 'risk', NULL, count(DISTINCT student_id)::int, 0 FROM f WHERE resolved_at IS NULL
        UNION ALL
        SELECT 'week', (date_trunc('week', raised_at AT TIME ZONE $2))::date::text, count(*)::int, 0 FROM f WHERE raised_at >= $3 GROUP BY 2
        """;

    /// <summary>Advisory coverage and check-in completion this week, per advisory, with the school's totals.</summary>
    private const string AdvisoriesSql = """
        SELECT a.id, a.name, coalesce(u.display_name, ''),
               (SELECT count(*) FROM students m WHERE m.advisory_id = a.id AND m.active)::int AS members,
               (SELECT count(*) FROM check_ins c JOIN students m ON m.id = c.student_id AND m.advisory_id = a.id AND m.active
                WHERE c.advisory_id = a.id AND c.day = ANY($2))::int AS done,
               (SELECT (settings->>'MaxAdvisorySize')::int FROM districts ORDER BY id LIMIT 1) AS max_size,
               (SELECT count(*) FROM students s LEFT JOIN advisories x ON x.id = s.advisory_id
                WHERE s.school_id = $1 AND s.active AND (x.id IS NULL OR NOT x.active))::int AS without_advisor
        FROM advisories a LEFT JOIN users u ON u.id = a.advisor_user_id
        WHERE a.school_id = $1 AND a.active
        ORDER BY a.name
        """;

    /// <summary>Plans of the year by status, students without a plan, overdue goals and their students.</summary>
    private const string PlansSql = """
        WITH p AS (
            SELECT lp.id, lp.student_id, lp.status FROM learning_plans lp JOIN students s ON s.id = lp.student_id
            WHERE s.school_id = $1 AND s.active AND lp.school_year_id = $2
        ), o AS (
            SELECT g.id, p.student_id FROM plan_goals g JOIN p ON p.id = g.plan_id
            WHERE g.target_date < $3 AND g.status IN ('NotStarted', 'InProgress')
        )
        SELECT (SELECT json_object_agg(status, n) FROM (SELECT status, count(*) AS n FROM p GROUP BY status) x)::text,
               (SELECT count(*) FROM students s WHERE s.school_id = $1 AND s.active
                  AND NOT EXISTS (SELECT 1 FROM learning_plans lp WHERE lp.student_id = s.id AND lp.school_year_id = $2))::int,
               (SELECT count(*) FROM o)::int, (SELECT count(DISTINCT student_id) FROM o)::int
        """;

    /// <summary>Teacher activity: evidence per active section per week, with the section's teachers.</summary>
    private const string ActivitySql = """
        SELECT sc.id, sc.name,
               (SELECT string_agg(u.display_name, ', ' ORDER BY u.display_name) FROM section_teachers t JOIN users u ON u.id = t.teacher_user_id
                WHERE t.section_id = sc.id),
               w.week, w.n
        FROM sections sc
        LEFT JOIN (
            SELECT e.section_id, (date_trunc('week', e.recorded_at AT TIME ZONE $2))::date AS week, count(*)::int AS n
            FROM evidence e JOIN sections x ON x.id = e.section_id
            WHERE x.school_id = $1 AND e.recorded_at >= $3 AND e.voided_at IS NULL
            GROUP BY 1, 2
        ) w ON w.section_id = sc.id
        WHERE sc.school_id = $1 AND sc.active
        ORDER BY sc.name
        """;

    public async Task<IReadOnlyList<ResultRow>> RunAsync(BenchContext context, CancellationToken ct)
    {
        const int iterations = 200;
        var facts = context.Facts;
        await using var scope = await context.ScopeForAsync(facts.PrincipalEmail);
        var dashboard = scope.ServiceProvider.GetRequiredService<SchoolDashboardService>();
        var model = await dashboard.DashboardAsync(ct) ?? throw new InvalidOperationException("The principal has no school");

        // The inputs the app derives from the clock and calendar, as constants for the bare statements.
        var clock = scope.ServiceProvider.GetRequiredService<DistrictClock>();
        var zone = await clock.TimeZoneAsync(ct);
        var today = clock.Today(zone);
        var year = await clock.CurrentYearAsync(ct);
        var week = SchoolReporting.WeekOf(today);
        DateTimeOffset Since(DateOnly day) =>
            new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), zone.GetUtcOffset(day.ToDateTime(TimeOnly.MinValue))).ToUniversalTime();
        var trendSince = Since(week.AddDays(-7 * (SchoolDashboardService.TrendWeeks - 1)));
        var activitySince = Since(week.AddDays(-7 * (SchoolDashboardService.ActivityWeekCount - 1)));
        var days = model.SchoolDaysThisWeek.ToArray();

        await using var conn = await context.OpenAppConnectionAsync(ct);
        NpgsqlCommand Command(string sql, params object[] args)
        {
            var cmd = new NpgsqlCommand(sql, conn);
            foreach (var a in args)
            {
                cmd.Parameters.Add(a switch
                {
                    DateOnly[] d => new NpgsqlParameter { Value = d, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Date },
                    _ => new NpgsqlParameter { Value = a },
                });
            }
            return cmd;
        }
        var school = facts.BigSchoolId;
        NpgsqlCommand[] statements =
        [
            Command(BandsSql, school),
            Command(AreasSql, school),
            Command(FlagsSql, school, zone.Id, trendSince),
            Command(AdvisoriesSql, school, days),
            Command(PlansSql, school, year?.Id ?? 0, today),
            Command(ActivitySql, school, zone.Id, activitySince),
        ];
        foreach (var s in statements)
        {
            await s.PrepareAsync(ct);
        }
        async Task<long> Bare()
        {
            long cells = 0;
            foreach (var s in statements)
            {
                await using var r = await s.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct))
                {
                    for (var i = 0; i < r.FieldCount; i++)
                    {
                        _ = r.GetValue(i);
                    }
                    cells += r.FieldCount;
                }
            }
            return cells;
        }
        await Bare();

        var app = await Measure.SerialAsync(20, iterations, _ => dashboard.DashboardAsync(ct));
        var bare = await Measure.SerialAsync(20, iterations, _ => Bare());
        foreach (var s in statements)
        {
            await s.DisposeAsync();
        }
        var ratio = app.Latency.P95 / bare.Latency.P95;

        // District view: refresh the pre-aggregated table (reported), then read it as a district admin.
        var refresh = context.Services.GetRequiredService<SchoolStatsRefresh>();
        var refreshes = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var t = Stopwatch.GetTimestamp();
            _ = await refresh.RefreshAsync(null, ct) ?? throw new InvalidOperationException("school_stats refresh skipped");
            refreshes.Add(Measure.Millis(t));
        }
        var refreshStats = LatencyStats.Of(refreshes);
        await using var adminScope = await context.ScopeForAsync(DistrictFacts.AdminEmail);
        var view = adminScope.ServiceProvider.GetRequiredService<DistrictViewService>();
        var first = await view.ViewAsync(ct) ?? throw new InvalidOperationException("The district view is empty");
        var district = await Measure.SerialAsync(20, iterations, _ => view.ViewAsync(ct));
        return
        [
            new ResultRow(Id, $"Principal school dashboard ({model.Students:#,0} students)", Figure.From(app.Latency), Figure.From(bare.Latency),
                ratio, "p95 ≤ 1.5× bare aggregate", ratio <= 1.5,
                "SchoolDashboardService.DashboardAsync (bands and teacher activity from the tables refreshed with school_stats, the rest live) vs 6 prepared aggregate statements over the base tables (one per section) on one connection"),
            new ResultRow(Id, $"District view from the pre-aggregated table ({first.Schools.Count} schools)", Figure.From(district.Latency), null,
                null, "p95 ≤ 100 ms", district.Latency.P95 <= 100, "DistrictViewService.ViewAsync reading school_stats"),
            new ResultRow(Id, $"Refresh of school_stats ({first.Students:#,0} students)", Figure.From(refreshStats), null,
                null, "reported", null, "one set-based INSERT … ON CONFLICT under an advisory lock, with the dashboard's band and activity tables in the same transaction; 5 runs"),
        ];
    }
}
