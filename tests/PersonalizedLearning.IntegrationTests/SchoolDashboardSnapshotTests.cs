using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Features.DistrictView;
using PersonalizedLearning.Web.Features.SchoolDashboard;

namespace PersonalizedLearning.IntegrationTests;

/// <summary>
/// The school dashboard's pre-aggregates (students' mastery bands, teacher activity), refreshed with school_stats: they
/// agree with the live rollups and evidence after a refresh, change only with the next refresh, and every number on the
/// dashboard is exactly the length of the drill-down list behind it.
/// </summary>
public sealed class SchoolDashboardSnapshotTests(SmallSchoolFixture fixture) : IClassFixture<SmallSchoolFixture>
{
    private static readonly MasteryBand[] AllBands = [MasteryBand.Proficient, MasteryBand.Developing, MasteryBand.Beginning, MasteryBand.NoLevelYet];

    private Task<int?> RefreshAsync() => fixture.App.Services.GetRequiredService<SchoolStatsRefresh>().RefreshAsync();

    private async Task<SchoolDashboardModel> DashboardAsync(string email)
    {
        await using var scope = await fixture.App.ScopeForAsync(email);
        return (await fixture.Service<SchoolDashboardService>(scope).DashboardAsync())!;
    }

    private async Task<int> DrillTotalAsync(string email, StudentFilter filter)
    {
        await using var scope = await fixture.App.ScopeForAsync(email);
        var page = await fixture.Service<SchoolDashboardService>(scope).StudentsAsync(filter, 0, 1);
        Assert.NotNull(page);
        Assert.False(page.Suppressed, filter.ToString());
        return page.Total;
    }

    private static StudentFilter RowFilter(BandRow row, MasteryBand? level)
    {
        var (key, value) = (row.Query.Split('=', 2)[0], row.Query.Split('=', 2)[1]);
        return key switch
        {
            "grade" => new StudentFilter(Grade: int.Parse(value, System.Globalization.CultureInfo.InvariantCulture), Level: level),
            "area" => new StudentFilter(Area: int.Parse(value, System.Globalization.CultureInfo.InvariantCulture), Level: level),
            _ => new StudentFilter(Group: value, Level: level),
        };
    }

    [Theory]
    [InlineData(SmallSchoolFixture.PrincipalEmail)]
    [InlineData("demo-principal")]
    public async Task Every_number_equals_the_length_of_the_list_behind_it(string email)
    {
        email = email == "demo-principal" ? AppFixture.DemoEmail(Roles.Principal) : email;
        await RefreshAsync();
        var m = await DashboardAsync(email);
        Assert.NotNull(m.AsOf);
        Assert.True(m.ByArea.Count > 0 && m.ByGrade.Count > 0);

        foreach (var row in m.ByGrade.Concat(m.ByGroup).Concat(m.ByArea).Where(r => !r.Suppressed))
        {
            Assert.True(row.Students == await DrillTotalAsync(email, RowFilter(row, null)), $"{row.Query}: students");
            foreach (var band in AllBands)
            {
                var shown = row.Count(band)!.Value;
                Assert.True(shown == await DrillTotalAsync(email, RowFilter(row, band)), $"{row.Query} {band}: {shown}");
            }
        }
        Assert.Equal(m.Students, await DrillTotalAsync(email, new StudentFilter()));
        Assert.Equal(m.StudentsAtRisk, await DrillTotalAsync(email, new StudentFilter(AtRisk: true)));
        foreach (var rule in m.OpenFlags)
        {
            Assert.Equal(rule.Students, await DrillTotalAsync(email, new StudentFilter(FlagRule: rule.Rule)));
        }
        foreach (var (status, count) in m.Plans)
        {
            Assert.Equal(count, await DrillTotalAsync(email, new StudentFilter(PlanStatus: status)));
        }
        Assert.Equal(m.StudentsWithoutPlan, await DrillTotalAsync(email, new StudentFilter(NoPlan: true)));
        Assert.Equal(m.WithoutAdvisor, await DrillTotalAsync(email, new StudentFilter(NoAdvisor: true)));
        Assert.Equal(m.StudentsWithOverdueGoals, await DrillTotalAsync(email, new StudentFilter(OverdueGoals: true)));
    }

    [Fact]
    public async Task After_a_refresh_the_stored_bands_equal_the_bands_computed_from_the_rollups()
    {
        await RefreshAsync();
        // The live computation the dashboard used to run on every open, for every active student and area.
        var differences = await fixture.QueryAsync<long>(
            """
            WITH RECURSIVE tree AS (
                SELECT id, id AS area_id FROM standards WHERE parent_id IS NULL
                UNION ALL
                SELECT s.id, t.area_id FROM standards s JOIN tree t ON s.parent_id = t.id
            ), per AS (
                SELECT r.student_id, t.area_id, count(*) FILTER (WHERE r.score IS NOT NULL) AS assessed,
                       count(*) FILTER (WHERE r.at_mastery) AS mastered
                FROM mastery_rollups r JOIN tree t ON t.id = r.standard_id JOIN students s ON s.id = r.student_id AND s.active
                GROUP BY 1, 2
                UNION ALL
                SELECT r.student_id, 0, count(*) FILTER (WHERE r.score IS NOT NULL), count(*) FILTER (WHERE r.at_mastery)
                FROM mastery_rollups r JOIN students s ON s.id = r.student_id AND s.active
                GROUP BY 1
            ), live AS (
                SELECT student_id, area_id, assessed::int, mastered::int,
                       CASE WHEN assessed = 0 THEN 0 WHEN mastered * 100 >= 70 * assessed THEN 3
                            WHEN mastered * 100 >= 40 * assessed THEN 2 ELSE 1 END AS band
                FROM per
            ), stored AS (
                SELECT student_id, area_id, assessed, mastered, band FROM student_mastery_bands
            )
            SELECT (SELECT count(*) FROM (SELECT * FROM live EXCEPT SELECT * FROM stored) x)
                 + (SELECT count(*) FROM (SELECT * FROM stored EXCEPT SELECT * FROM live) y)
            """);
        Assert.Equal(0, differences.Single());
        Assert.True((await fixture.QueryAsync<long>("SELECT count(*) FROM student_mastery_bands")).Single() > 100);
    }

    [Fact]
    public async Task A_new_rollup_moves_a_student_to_another_band_at_the_next_refresh_and_the_list_follows()
    {
        await RefreshAsync();
        var before = await DashboardAsync(SmallSchoolFixture.PrincipalEmail);
        var grade7 = before.ByGrade.Single(g => g.Query == "grade=7");
        Assert.Equal((5, 5), (grade7.Count(MasteryBand.Proficient), grade7.Count(MasteryBand.NoLevelYet)));

        // Student 10 (grade 7, nothing assessed) gets a rollup at mastery in area A.
        var student = fixture.Students[10];
        var a1 = (await fixture.QueryAsync<int>("SELECT id FROM standards WHERE code = 'A.1' AND parent_id = @p0", fixture.AreaA)).Single();
        await using (var db = fixture.OwnerContext())
        {
            db.MasteryRollups.Add(new MasteryRollup
            {
                StudentId = student,
                StandardId = a1,
                Score = 3,
                AtMastery = true,
                EvidenceCount = 1,
                LastEvidenceAt = DateTimeOffset.UtcNow,
                UpdatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }
        try
        {
            // Not yet refreshed: the dashboard and its list still say "no level yet", and agree.
            var stale = await DashboardAsync(SmallSchoolFixture.PrincipalEmail);
            Assert.Equal(before.AsOf, stale.AsOf);
            Assert.Equal(5, stale.ByGrade.Single(g => g.Query == "grade=7").Count(MasteryBand.NoLevelYet));
            await using (var scope = await fixture.App.ScopeForAsync(SmallSchoolFixture.PrincipalEmail))
            {
                var none = await fixture.Service<SchoolDashboardService>(scope).StudentsAsync(new StudentFilter(Grade: 7, Level: MasteryBand.NoLevelYet), 0);
                Assert.Contains(student, none!.Students.Select(s => s.Id));
            }

            await RefreshAsync();
            var fresh = await DashboardAsync(SmallSchoolFixture.PrincipalEmail);
            Assert.True(fresh.AsOf > before.AsOf);
            var row = fresh.ByGrade.Single(g => g.Query == "grade=7");
            Assert.Equal((6, 4), (row.Count(MasteryBand.Proficient), row.Count(MasteryBand.NoLevelYet)));
            Assert.Equal(21, fresh.ByArea.Single(a => a.Query == $"area={fixture.AreaA}").Students);
            await using (var scope = await fixture.App.ScopeForAsync(SmallSchoolFixture.PrincipalEmail))
            {
                var dashboard = fixture.Service<SchoolDashboardService>(scope);
                var proficient = await dashboard.StudentsAsync(new StudentFilter(Grade: 7, Level: MasteryBand.Proficient), 0);
                Assert.Equal(fixture.Students[..5].Append(student).Order(), proficient!.Students.Select(s => s.Id).Order());
                Assert.Equal(MasteryBand.Proficient, proficient.Students.Single(s => s.Id == student).Band);
            }
        }
        finally
        {
            await using var db = fixture.OwnerContext();
            await db.MasteryRollups.Where(r => r.StudentId == student).ExecuteDeleteAsync();
            await RefreshAsync();
        }
    }

    [Fact]
    public async Task Teacher_activity_equals_the_evidence_count_after_a_refresh_and_not_before()
    {
        var principal = AppFixture.DemoEmail(Roles.Principal);
        await RefreshAsync();
        // The live count per section and week, as the dashboard computed it on every open before.
        async Task<Dictionary<(int, DateOnly), int>> LiveAsync()
        {
            var m = await DashboardAsync(principal);
            await using var db = fixture.OwnerContext();
            var zone = (await db.Districts.Select(d => d.TimeZoneId).FirstAsync())!;
            var rows = await db.Database.SqlQuery<ActivityRow>($"""
                SELECT e.section_id AS section_id, (date_trunc('week', e.recorded_at AT TIME ZONE {zone}))::date AS week, count(*)::int AS count
                FROM evidence e JOIN sections sc ON sc.id = e.section_id
                WHERE sc.school_id = {m.SchoolId} AND sc.active AND e.voided_at IS NULL
                GROUP BY 1, 2
                """).ToListAsync();
            return rows.Where(r => m.ActivityWeeks.Contains(r.Week)).ToDictionary(r => (r.SectionId, r.Week), r => r.Count);
        }
        static Dictionary<(int, DateOnly), int> Shown(SchoolDashboardModel m) =>
            m.Activity.SelectMany(s => s.PerWeek.Select((n, i) => (Key: (s.SectionId, m.ActivityWeeks[i]), n)))
                .Where(x => x.n > 0).ToDictionary(x => x.Key, x => x.n);

        var dashboard = await DashboardAsync(principal);
        var live = await LiveAsync();
        Assert.NotEmpty(live);
        Assert.Equal(live.OrderBy(x => x.Key), Shown(dashboard).OrderBy(x => x.Key));

        // One more evidence recorded now in one of the school's sections: shown after the next refresh only.
        var section = live.Keys.Min().Item1;
        var shownBefore = dashboard.Activity.Single(s => s.SectionId == section).PerWeek[^1];
        var id = (await fixture.QueryAsync<long>(
            """
            INSERT INTO evidence (student_id, standard_id, score, source, recorded_by_user_id, section_id, observed_at, recorded_at, note)
            SELECT e.student_id, e.standard_id, e.score, e.source, e.recorded_by_user_id, e.section_id, now(), now(), 'snapshot test'
            FROM evidence e WHERE e.section_id = @p0 LIMIT 1
            RETURNING id
            """, section)).Single();
        try
        {
            var thisWeek = dashboard.ActivityWeeks[^1];
            var stale = await DashboardAsync(principal);
            Assert.Equal(Shown(dashboard), Shown(stale));
            await RefreshAsync();
            var fresh = await DashboardAsync(principal);
            Assert.Equal(shownBefore + 1, fresh.Activity.Single(s => s.SectionId == section).PerWeek[^1]);
            Assert.Equal((await LiveAsync()).OrderBy(x => x.Key), Shown(fresh).OrderBy(x => x.Key));
            Assert.Equal(thisWeek, fresh.ActivityWeeks[^1]);
        }
        finally
        {
            await fixture.QueryAsync<long>("DELETE FROM evidence WHERE id = @p0 RETURNING id", id);
            await RefreshAsync();
        }
    }

    [Fact]
    public async Task A_dashboard_opened_before_any_refresh_refreshes_first()
    {
        await fixture.QueryAsync<int>("DELETE FROM school_stats RETURNING school_id");
        await fixture.QueryAsync<int>("DELETE FROM student_mastery_bands RETURNING student_id");
        var m = await DashboardAsync(SmallSchoolFixture.PrincipalEmail);
        Assert.NotNull(m.AsOf);
        Assert.Equal(5, m.ByGrade.Single(g => g.Query == "grade=7").Count(MasteryBand.Proficient));
        Assert.Equal(10, m.ByGrade.Single(g => g.Query == "grade=8").Count(MasteryBand.Developing));
    }

    [Fact]
    public async Task A_principal_counts_and_lists_only_their_own_schools_bands()
    {
        await RefreshAsync();
        var demo = AppFixture.DemoEmail(Roles.Principal);
        var m = await DashboardAsync(demo);
        // The small school's framework areas have no student of the demo school: no row, and an empty list.
        Assert.DoesNotContain(m.ByArea, a => a.Query == $"area={fixture.AreaA}");
        await using var scope = await fixture.App.ScopeForAsync(demo);
        var dashboard = fixture.Service<SchoolDashboardService>(scope);
        var areaA = await dashboard.StudentsAsync(new StudentFilter(Area: fixture.AreaA), 0, 1000);
        Assert.Equal(0, areaA!.Total);
        var proficient = await dashboard.StudentsAsync(new StudentFilter(Level: MasteryBand.Proficient), 0, 10_000);
        Assert.DoesNotContain(proficient!.Students, s => fixture.Students.Contains(s.Id));
        // Another school's area by URL for a principal: nothing (the school itself is refused).
        Assert.Null(await dashboard.StudentsAsync(new StudentFilter(Area: fixture.AreaA, School: fixture.SchoolId), 0));
    }

    private sealed class ActivityRow
    {
        public int SectionId { get; init; }
        public DateOnly Week { get; init; }
        public int Count { get; init; }
    }
}
