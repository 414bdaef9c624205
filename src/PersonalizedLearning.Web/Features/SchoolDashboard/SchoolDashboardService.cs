using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Features.DistrictView;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Web.Features.SchoolDashboard;

/// <summary>
/// The principal's school at a glance. Every number is an aggregate computed by PostgreSQL (GROUP BY over the
/// access-filtered students of the principal's own school); no student rows are loaded to count them. Mastery bands
/// and teacher activity are counted from the pre-aggregates refreshed with <c>school_stats</c> ("as of" its time,
/// <see cref="DashboardSnapshots"/>); flags, advisories, check-ins and plans are live. The drill-down reads the same
/// band rows, so a number and the list behind it agree.
/// </summary>
public sealed class SchoolDashboardService(
    IDbContextFactory<AppDbContext> dbf, CurrentUser currentUser, AuditLog audit, DistrictClock clock, SchoolStatsRefresh refresh)
{
    public const int PageSize = 50;
    public const int TrendWeeks = 8;
    public const int ActivityWeekCount = 4;

    /// <summary>The principal's own school (null for anyone else, or a principal with no school).</summary>
    private static IQueryable<int> MySchool(AppDbContext db, Viewer me) =>
        db.Users.Where(u => u.Id == me.UserId && u.Active && u.SchoolId != null).Select(u => u.SchoolId!.Value);

    /// <summary>Who may open a school dashboard at all: principals (their own school) and district admins (any school).</summary>
    private static bool MaySee(Viewer me) => me.Is(Roles.Principal) || me.Is(Roles.DistrictAdmin);

    /// <summary>
    /// The school a dashboard shows. No id: the principal's own school. An id: that school, when the viewer is a district
    /// admin of its district or its own principal — a principal asking for another school by URL gets nothing.
    /// </summary>
    private static IQueryable<School> DashboardSchool(AppDbContext db, Viewer me, int? schoolId)
    {
        var isPrincipal = me.Is(Roles.Principal);
        var isAdmin = me.Is(Roles.DistrictAdmin);
        var id = me.UserId;
        return schoolId is null
            ? db.Schools.AsNoTracking().Where(s => isPrincipal && MySchool(db, me).Contains(s.Id))
            : db.Schools.AsNoTracking().Where(s => s.Id == schoolId && (
                (isAdmin && db.Users.Any(u => u.Id == id && u.Active && u.DistrictId == s.DistrictId))
                || (isPrincipal && MySchool(db, me).Contains(s.Id))));
    }

    /// <summary>The students a dashboard counts: the principal's own school, through the access filter.</summary>
    private static IQueryable<Student> SchoolStudents(AppDbContext db, Viewer me, int schoolId) =>
        db.Students.AsNoTracking().VisibleTo(db, me).Where(s => s.SchoolId == schoolId && s.Active);

    private sealed class Banded
    {
        public required Student Student { get; init; }
        public MasteryBand Band { get; init; }
    }

    /// <summary>
    /// Each student with their band as of the last refresh (the share of assessed standards at mastery, in an area when
    /// given; <see cref="StudentMasteryBand.AllAreas"/>: all standards). No row: no level yet.
    /// </summary>
    private static IQueryable<Banded> WithBand(AppDbContext db, IQueryable<Student> students, int areaId) =>
        from s in students
        join b in db.StudentMasteryBands.Where(b => b.AreaId == areaId) on s.Id equals b.StudentId into bs
        from b in bs.DefaultIfEmpty()
        select new Banded { Student = s, Band = b == null ? MasteryBand.NoLevelYet : b.Band };

    public async Task<SchoolDashboardModel?> DashboardAsync(CancellationToken ct = default) =>
        await DashboardAsync(await currentUser.GetAsync(), null, ct);

    public async Task<SchoolDashboardModel?> DashboardAsync(int? schoolId, CancellationToken ct = default) =>
        await DashboardAsync(await currentUser.GetAsync(), schoolId, ct);

    public async Task<SchoolDashboardModel?> DashboardAsync(Viewer me, CancellationToken ct = default) =>
        await DashboardAsync(me, null, ct);

    public async Task<SchoolDashboardModel?> DashboardAsync(Viewer me, int? schoolId, CancellationToken ct = default)
    {
        if (!MaySee(me))
        {
            return null;
        }
        var zone = await clock.TimeZoneAsync(ct);
        var today = clock.Today(zone);
        var year = await clock.CurrentYearAsync(ct);
        await using var db = await dbf.CreateDbContextAsync(ct);
        var school = await DashboardSchool(db, me, schoolId)
            .Select(s => new { s.Id, s.Name, AsOf = db.SchoolStats.Where(x => x.SchoolId == s.Id).Select(x => (DateTimeOffset?)x.RefreshedAt).FirstOrDefault() })
            .FirstOrDefaultAsync(ct);
        if (school is null)
        {
            return null;
        }
        var asOf = school.AsOf ?? await RefreshFirstAsync(db, school.Id, ct);
        var students = SchoolStudents(db, me, school.Id);
        var banded = WithBand(db, students, StudentMasteryBand.AllAreas);

        // Bands by grade and by every student group from one aggregate: the school's students joined to their band as of
        // the last refresh, grouped by every dimension at once (a few hundred cells at most), summed per dimension here.
        var cells = await banded
            .GroupBy(b => new { b.Student.GradeLevel, b.Student.Sex, b.Student.RaceEthnicity, b.Student.EnglishLearner, b.Student.HasIep, b.Band })
            .Select(g => new BandCell(g.Key.GradeLevel, g.Key.Sex, g.Key.RaceEthnicity, g.Key.EnglishLearner, g.Key.HasIep, g.Key.Band, g.Count()))
            .ToListAsync(ct);
        var byGrade = cells.GroupBy(c => c.GradeLevel).OrderBy(g => g.Key)
            .Select(g => BandRow.Of($"grade={g.Key}", g.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), Sum(g)))
            .ToList();
        var byGroup = new List<BandRow>();
        byGroup.AddRange(cells.GroupBy(c => c.Sex).OrderBy(g => g.Key ?? (Sex)99)
            .Select(g => BandRow.Of($"group=Sex.{g.Key?.ToString() ?? NotReported}", $"Sex.{g.Key?.ToString() ?? NotReported}", Sum(g))));
        byGroup.AddRange(cells.GroupBy(c => c.RaceEthnicity).OrderBy(g => g.Key ?? (RaceEthnicity)99)
            .Select(g => BandRow.Of($"group=Race.{g.Key?.ToString() ?? NotReported}", $"Race.{g.Key?.ToString() ?? NotReported}", Sum(g))));
        byGroup.AddRange(cells.GroupBy(c => c.EnglishLearner).OrderByDescending(g => g.Key)
            .Select(g => BandRow.Of($"group=EnglishLearner.{YesNo(g.Key)}", $"EnglishLearner.{YesNo(g.Key)}", Sum(g))));
        byGroup.AddRange(cells.GroupBy(c => c.HasIep).OrderByDescending(g => g.Key)
            .Select(g => BandRow.Of($"group=Iep.{YesNo(g.Key)}", $"Iep.{YesNo(g.Key)}", Sum(g))));

        var byArea = await AreasAsync(db, school.Id, ct);

        // Students at risk: open early-warning flags by rule, and flags raised per week.
        var openFlags = db.Flags.AsNoTracking().Where(f => f.ResolvedAt == null && students.Any(s => s.Id == f.StudentId));
        var rules = await openFlags.GroupBy(f => f.Rule)
            .Select(g => new { Rule = g.Key, Flags = g.Count(), Students = g.Select(f => f.StudentId).Distinct().Count() })
            .ToListAsync(ct);
        var thisWeek = SchoolReporting.WeekOf(today);
        var trendFrom = thisWeek.AddDays(-7 * (TrendWeeks - 1));
        var trendSince = new DateTimeOffset(trendFrom.ToDateTime(TimeOnly.MinValue), zone.GetUtcOffset(trendFrom.ToDateTime(TimeOnly.MinValue))).ToUniversalTime();
        var trend = await db.Database.SqlQuery<WeekRow>($"""
            SELECT (date_trunc('week', f.raised_at AT TIME ZONE {zone.Id}))::date AS week, count(*)::int AS count
            FROM early_warning_flags f JOIN students s ON s.id = f.student_id
            WHERE s.school_id = {school.Id} AND s.active AND f.raised_at >= {trendSince}
            GROUP BY 1
            """).ToListAsync(ct);
        var flagTrend = Enumerable.Range(0, TrendWeeks).Select(i => trendFrom.AddDays(7 * i))
            .Select(w => new WeekCount(w, trend.FirstOrDefault(t => t.Week == w)?.Count ?? 0)).ToList();

        // Check-in completion this week: check-ins recorded on this week's school days so far.
        var days = new List<DateOnly>();
        if (year is not null)
        {
            var calendar = await clock.CalendarAsync(year, school.Id, ct);
            days = [.. calendar.SchoolDays(thisWeek, today)];
        }
        var checkIns = await db.Advisories.AsNoTracking().Where(a => a.SchoolId == school.Id && a.Active).OrderBy(a => a.Name)
            .Select(a => new
            {
                a.Id,
                a.Name,
                Advisor = db.Users.Where(u => u.Id == a.AdvisorUserId).Select(u => u.DisplayName).FirstOrDefault() ?? "",
                Members = a.Members.Count(s => s.Active),
                Done = db.CheckIns.Count(c => c.AdvisoryId == a.Id && days.Contains(c.Day) && a.Members.Any(m => m.Id == c.StudentId && m.Active)),
            })
            .ToListAsync(ct);

        // Plans of the current school year.
        var yearId = year?.Id ?? 0;
        // Plain joins, not nested EXISTS over EXISTS: on a database without statistics yet (just seeded or restored) the
        // nested form was planned as loops of sequential scans and took 16–21 s on the demo district; joined, ~10 ms.
        var plans = from p in db.Plans.AsNoTracking()
                    join s in students on p.StudentId equals s.Id
                    where p.SchoolYearId == yearId
                    select p;
        var byStatus = await plans.GroupBy(p => p.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        var overdue = from g in db.PlanGoals.AsNoTracking()
                      join p in plans on g.PlanId equals p.Id
                      where g.TargetDate < today && (g.Status == GoalStatus.NotStarted || g.Status == GoalStatus.InProgress)
                      select new { g.Id, p.StudentId };

        // The dashboard's single numbers in one statement (each a scalar subquery): at risk, advisory coverage (the
        // same rules as the coverage page), plans and overdue goals.
        var sid = school.Id;
        var counts = await db.Districts.AsNoTracking().OrderBy(d => d.Id).Select(d => new
        {
            Max = d.Settings.MaxAdvisorySize,
            AtRisk = openFlags.Select(f => f.StudentId).Distinct().Count(),
            WithoutAdvisor = students.Count(s => s.Advisory == null || !s.Advisory.Active),
            OverSize = db.Advisories.Count(a => a.SchoolId == sid && a.Active && a.Members.Count(s => s.Active) > d.Settings.MaxAdvisorySize),
            WithoutPlan = students.Count(s => !db.Plans.Any(p => p.StudentId == s.Id && p.SchoolYearId == yearId)),
            OverdueGoals = overdue.Count(),
            OverdueStudents = overdue.Select(o => o.StudentId).Distinct().Count(),
        })
            .FirstAsync(ct);
        var (atRisk, max, withoutAdvisor, overSize) = (counts.AtRisk, counts.Max, counts.WithoutAdvisor, counts.OverSize);
        var (withoutPlan, overdueGoals, overdueStudents) = (counts.WithoutPlan, counts.OverdueGoals, counts.OverdueStudents);

        // Teacher activity: evidence recorded per week in each active section of the school (as of the last refresh).
        var (activityFrom, _) = DashboardSnapshots.ActivityStart(zone, today);
        var sections = await db.Sections.AsNoTracking().Where(s => s.SchoolId == school.Id && s.Active).OrderBy(s => s.Name)
            .Select(s => new
            {
                s.Id,
                s.Name,
                Teachers = db.Users.Where(u => s.Teachers.Any(t => t.TeacherUserId == u.Id)).OrderBy(u => u.DisplayName).Select(u => u.DisplayName).ToList(),
            })
            .ToListAsync(ct);
        var evidence = (await (from a in db.SectionWeekActivity.AsNoTracking()
                               join sc in db.Sections on a.SectionId equals sc.Id
                               where sc.SchoolId == school.Id && sc.Active && a.Week >= activityFrom
                               select new { a.SectionId, a.Week, a.Evidence }).ToListAsync(ct))
            .ToDictionary(a => (a.SectionId, a.Week), a => a.Evidence);
        var weeks = Enumerable.Range(0, ActivityWeekCount).Select(i => activityFrom.AddDays(7 * i)).ToList();
        var activity = sections.Select(s => new SectionActivity(s.Id, s.Name, string.Join(", ", s.Teachers),
            [.. weeks.Select(w => evidence.GetValueOrDefault((s.Id, w)))])).ToList();

        return new SchoolDashboardModel(
            school.Id, school.Name, byGrade.Sum(g => g.Students), byGrade, byArea, byGroup,
            atRisk,
            [.. Enum.GetValues<FlagRule>().Select(r => rules.FirstOrDefault(x => x.Rule == r) is { } x ? new RuleCount(r, x.Flags, x.Students) : new RuleCount(r, 0, 0))],
            flagTrend, withoutAdvisor, overSize, max, days,
            [.. checkIns.Select(a => new CheckInRate(a.Id, a.Name, a.Advisor, a.Members, a.Members * days.Count, a.Done))],
            Enum.GetValues<PlanStatus>().ToDictionary(s => s, s => byStatus.FirstOrDefault(b => b.Key == s)?.Count ?? 0),
            withoutPlan, overdueGoals, overdueStudents, weeks, activity,
            asOf is { } at ? TimeZoneInfo.ConvertTime(at, zone) : null);
    }

    /// <summary>
    /// A school never refreshed since it appeared (a new database, a new school) has no bands yet: refresh now, once,
    /// waiting for a refresh running on another node rather than showing nothing. Returns the new "as of".
    /// </summary>
    private async Task<DateTimeOffset?> RefreshFirstAsync(AppDbContext db, int schoolId, CancellationToken ct)
    {
        await refresh.RefreshAsync(null, waitForLock: true, ct);
        return await db.SchoolStats.Where(x => x.SchoolId == schoolId).Select(x => (DateTimeOffset?)x.RefreshedAt).FirstOrDefaultAsync(ct);
    }

    private const string NotReported = "NotReported";

    private sealed record BandCell(int GradeLevel, Sex? Sex, RaceEthnicity? RaceEthnicity, bool EnglishLearner, bool HasIep, MasteryBand Band, int Count);

    private static Dictionary<MasteryBand, int> Sum(IEnumerable<BandCell> cells) =>
        cells.GroupBy(c => c.Band).ToDictionary(g => g.Key, g => g.Sum(c => c.Count));

    private static string YesNo(bool value) => value ? "Yes" : "No";

    private sealed class WeekRow
    {
        public DateOnly Week { get; init; }
        public int Count { get; init; }
    }

    private sealed class AreaBandRow
    {
        public int AreaId { get; init; }
        public int Band { get; init; }
        public int Count { get; init; }
        public required string Label { get; init; }
        public int FrameworkId { get; init; }
        public int SortOrder { get; init; }
    }

    /// <summary>
    /// Framework areas (each top-level standard with every standard below it): the students' area bands as of the last
    /// refresh, counted per area and band. Students with no rollup in an area are not in its row (as the drill-down).
    /// </summary>
    private static async Task<List<BandRow>> AreasAsync(AppDbContext db, int schoolId, CancellationToken ct)
    {
        var rows = await db.Database.SqlQuery<AreaBandRow>($"""
            WITH per_area AS (
                SELECT b.area_id, b.band, count(*)::int AS count
                FROM students s JOIN student_mastery_bands b ON b.student_id = s.id AND b.area_id <> {StudentMasteryBand.AllAreas}
                WHERE s.school_id = {schoolId} AND s.active
                GROUP BY 1, 2
            )
            SELECT p.area_id AS area_id, p.band AS band, p.count AS count,
                   f.name || ' · ' || st.code || ' ' || st.statement AS label, st.framework_id AS framework_id, st.sort_order AS sort_order
            FROM per_area p JOIN standards st ON st.id = p.area_id JOIN competency_frameworks f ON f.id = st.framework_id
            """).ToListAsync(ct);
        return [.. rows.GroupBy(r => r.AreaId).OrderBy(g => g.First().FrameworkId).ThenBy(g => g.First().SortOrder).ThenBy(g => g.Key)
            .Select(g => BandRow.Of($"area={g.Key}", g.First().Label, g.ToDictionary(r => (MasteryBand)r.Band, r => r.Count)))];
    }

    private static Expression<Func<Student, bool>>? GroupPredicate(string group) => group.Split('.', 2) switch
    {
        ["Sex", NotReported] => s => s.Sex == null,
        ["Sex", var v] when Enum.TryParse<Sex>(v, out var sex) => s => s.Sex == sex,
        ["Race", NotReported] => s => s.RaceEthnicity == null,
        ["Race", var v] when Enum.TryParse<RaceEthnicity>(v, out var race) => s => s.RaceEthnicity == race,
        ["EnglishLearner", "Yes"] => s => s.EnglishLearner,
        ["EnglishLearner", "No"] => s => !s.EnglishLearner,
        ["Iep", "Yes"] => s => s.HasIep,
        ["Iep", "No"] => s => !s.HasIep,
        _ => null,
    };

    /// <summary>
    /// The students behind a dashboard number, one page at a time. A group under 10 students lists no one. Every
    /// student shown is audited as a view of their record. Null: not a principal, or a group name that does not exist.
    /// </summary>
    public async Task<DrillPage?> StudentsAsync(StudentFilter filter, int page, int pageSize = PageSize, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        var result = await QueryAsync(me, filter, page, pageSize, ct);
        if (result is not null)
        {
            await audit.ViewedAsync(me, result.Students.Select(s => s.Id), "principal-drilldown");
        }
        return result;
    }

    /// <summary>Every student behind a number, for an export (audited as "principal-export").</summary>
    public async Task<DrillPage?> AllStudentsAsync(Viewer me, StudentFilter filter, CancellationToken ct = default)
    {
        var result = await QueryAsync(me, filter, 0, int.MaxValue, ct);
        if (result is not null)
        {
            await audit.ViewedAsync(me, result.Students.Select(s => s.Id), "principal-export");
        }
        return result;
    }

    private async Task<DrillPage?> QueryAsync(Viewer me, StudentFilter filter, int page, int pageSize, CancellationToken ct)
    {
        if (!MaySee(me))
        {
            return null;
        }
        var today = await clock.TodayAsync(ct);
        var yearId = (await clock.CurrentYearAsync(ct))?.Id ?? 0;
        await using var db = await dbf.CreateDbContextAsync(ct);
        var school = await DashboardSchool(db, me, filter.School)
            .Select(s => new { s.Id, Refreshed = db.SchoolStats.Any(x => x.SchoolId == s.Id) })
            .FirstOrDefaultAsync(ct);
        if (school is null)
        {
            return null;
        }
        if (!school.Refreshed)
        {
            await RefreshFirstAsync(db, school.Id, ct);
        }
        var students = SchoolStudents(db, me, school.Id);
        if (filter.Grade is { } grade)
        {
            students = students.Where(s => s.GradeLevel == grade);
        }
        if (filter.Group is { } group)
        {
            var predicate = GroupPredicate(group);
            if (predicate is null)
            {
                return null;
            }
            students = students.Where(predicate);
        }
        var area = StudentMasteryBand.AllAreas;
        if (filter.Area is { } areaId)
        {
            // An area is a top-level standard; its students are those with a band in it (a rollup in the area).
            if (!await db.Standards.AnyAsync(s => s.Id == areaId && s.ParentId == null, ct))
            {
                return null;
            }
            area = areaId;
            students = students.Where(s => db.StudentMasteryBands.Any(b => b.StudentId == s.Id && b.AreaId == areaId));
        }
        if (filter.ByGroup && SchoolReporting.Suppressed(await students.CountAsync(ct)))
        {
            return new DrillPage(0, [], true, 0, pageSize);
        }
        if (filter.NoAdvisor)
        {
            students = students.Where(s => s.Advisory == null || !s.Advisory.Active);
        }
        if (filter.AtRisk)
        {
            students = students.Where(s => db.Flags.Any(f => f.StudentId == s.Id && f.ResolvedAt == null));
        }
        if (filter.FlagRule is { } rule)
        {
            students = students.Where(s => db.Flags.Any(f => f.StudentId == s.Id && f.ResolvedAt == null && f.Rule == rule));
        }
        if (filter.PlanStatus is { } status)
        {
            students = students.Where(s => db.Plans.Any(p => p.StudentId == s.Id && p.SchoolYearId == yearId && p.Status == status));
        }
        if (filter.NoPlan)
        {
            students = students.Where(s => !db.Plans.Any(p => p.StudentId == s.Id && p.SchoolYearId == yearId));
        }
        if (filter.OverdueGoals)
        {
            // Student → this year's plan → its goals: each step an index lookup.
            students = students.Where(s => db.Plans.Any(p => p.StudentId == s.Id && p.SchoolYearId == yearId
                && db.PlanGoals.Any(g => g.PlanId == p.Id && g.TargetDate < today
                    && (g.Status == GoalStatus.NotStarted || g.Status == GoalStatus.InProgress))));
        }
        var banded = WithBand(db, students, area);
        if (filter.Level is { } level)
        {
            banded = banded.Where(b => b.Band == level);
        }
        var total = await banded.CountAsync(ct);
        var rows = await banded
            .OrderBy(b => b.Student.LastName).ThenBy(b => b.Student.FirstName).ThenBy(b => b.Student.Id)
            .Skip(Math.Max(0, page) * pageSize).Take(pageSize)
            .Select(b => new DrillStudent(
                b.Student.Id, b.Student.FirstName + " " + b.Student.LastName, b.Student.StudentNumber, b.Student.GradeLevel,
                b.Student.Advisory != null && b.Student.Advisory.Active ? b.Student.Advisory.Name : null,
                b.Band,
                db.Flags.Count(f => f.StudentId == b.Student.Id && f.ResolvedAt == null),
                db.Plans.Where(p => p.StudentId == b.Student.Id && p.SchoolYearId == yearId).Select(p => (PlanStatus?)p.Status).FirstOrDefault()))
            .ToListAsync(ct);
        return new DrillPage(total, rows, false, page, pageSize);
    }
}
