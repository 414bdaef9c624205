using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Web.Features.DistrictView;

/// <summary>
/// One school's line in the district view. A school with fewer than <see cref="StudentGroups.MinimumReportedSize"/>
/// students has its mastery numbers withheld (<see cref="Suppressed"/>), like every small group in reports.
/// </summary>
public sealed record SchoolLine(
    int SchoolId, string School, int Students, int Proficient, int Developing, int Beginning, int NoLevelYet,
    int RollupsAssessed, int RollupsAtMastery, int StudentsAtRisk, int OpenFlags, int WithoutAdvisor,
    int CheckInsDone, int CheckInsExpected, int ActivePlans, int OverdueGoals)
{
    public bool Suppressed => SchoolReporting.Suppressed(Students);

    /// <summary>Share of assessed student × standard rollups at mastery (null: nothing assessed, or suppressed).</summary>
    public double? MasteryPercent => Suppressed || RollupsAssessed == 0 ? null : Math.Round(100.0 * RollupsAtMastery / RollupsAssessed, 1);

    /// <summary>Share of students in the proficient band (null when suppressed).</summary>
    public double? ProficientPercent => Suppressed || Students == 0 ? null : Math.Round(100.0 * Proficient / Students, 1);

    /// <summary>Check-ins done this week out of those expected (null: no school day yet this week).</summary>
    public double? CheckInPercent => CheckInsExpected == 0 ? null : Math.Round(100.0 * CheckInsDone / CheckInsExpected, 1);
}

/// <summary>The district view: every school's key numbers, and when they were computed (null: never yet).</summary>
public sealed record DistrictViewModel(string District, IReadOnlyList<SchoolLine> Schools, DateTimeOffset? AsOf)
{
    public int Students => Schools.Sum(s => s.Students);
    public int StudentsAtRisk => Schools.Sum(s => s.StudentsAtRisk);
    public int WithoutAdvisor => Schools.Sum(s => s.WithoutAdvisor);
    public int OverdueGoals => Schools.Sum(s => s.OverdueGoals);
}

/// <summary>
/// Reads the district view from the pre-aggregated <c>school_stats</c> table (one indexed read, no aggregation at
/// request time) and refreshes it on demand. District admins only; their own district only.
/// </summary>
public sealed class DistrictViewService(IDbContextFactory<AppDbContext> dbf, CurrentUser currentUser, SchoolStatsRefresh refresh)
{
    public async Task<DistrictViewModel?> ViewAsync(CancellationToken ct = default) => await ViewAsync(await currentUser.GetAsync(), ct);

    public async Task<DistrictViewModel?> ViewAsync(Viewer me, CancellationToken ct = default)
    {
        if (!me.Is(Roles.DistrictAdmin))
        {
            return null;
        }
        await using var db = await dbf.CreateDbContextAsync(ct);
        var district = await db.Districts.AsNoTracking()
            .Where(d => db.Users.Any(u => u.Id == me.UserId && u.Active && u.DistrictId == d.Id))
            .Select(d => new { d.Id, d.Name }).FirstOrDefaultAsync(ct);
        if (district is null)
        {
            return null;
        }
        var rows = await (from s in db.SchoolStats.AsNoTracking()
                          join sc in db.Schools.AsNoTracking() on s.SchoolId equals sc.Id
                          where s.DistrictId == district.Id && sc.Active
                          orderby sc.Name
                          select new
                          {
                              Line = new SchoolLine(s.SchoolId, sc.Name, s.Students, s.Proficient, s.Developing, s.Beginning, s.NoLevelYet,
                              s.RollupsAssessed, s.RollupsAtMastery, s.StudentsAtRisk, s.OpenFlags, s.WithoutAdvisor,
                              s.CheckInsDone, s.CheckInsExpected, s.ActivePlans, s.OverdueGoals),
                              s.RefreshedAt
                          })
            .ToListAsync(ct);
        return new DistrictViewModel(district.Name, [.. rows.Select(r => r.Line)], rows.Count == 0 ? null : rows.Min(r => r.RefreshedAt));
    }

    /// <summary>"Refresh now": recomputes every school's numbers (admins only). False: not allowed, or another node is refreshing.</summary>
    public async Task<Result> RefreshNowAsync(CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        if (!me.Is(Roles.DistrictAdmin))
        {
            return Result.Fail("District.NotAllowed");
        }
        return await refresh.RefreshAsync(null, ct) is null ? Result.Fail("District.RefreshBusy") : Result.Ok;
    }
}
