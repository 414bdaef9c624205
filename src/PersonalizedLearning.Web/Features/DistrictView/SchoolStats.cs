namespace PersonalizedLearning.Web.Features.DistrictView;

/// <summary>
/// One school's key numbers, pre-aggregated for the district view (table <c>school_stats</c>, one row per school).
/// Written only by <see cref="SchoolStatsRefresh"/> with one set-based statement; read as is by the district view.
/// </summary>
public sealed class SchoolStats
{
    public int SchoolId { get; set; }
    public int DistrictId { get; set; }
    /// <summary>Active students.</summary>
    public int Students { get; set; }
    /// <summary>Students by mastery band (the same bands as the school dashboard).</summary>
    public int Proficient { get; set; }
    public int Developing { get; set; }
    public int Beginning { get; set; }
    public int NoLevelYet { get; set; }
    /// <summary>Student × standard rollups with a score, and those at mastery.</summary>
    public int RollupsAssessed { get; set; }
    public int RollupsAtMastery { get; set; }
    /// <summary>Students with an open early-warning flag, and the open flags.</summary>
    public int StudentsAtRisk { get; set; }
    public int OpenFlags { get; set; }
    public int WithoutAdvisor { get; set; }
    /// <summary>Check-ins recorded on this week's school days so far, and those expected (members × school days).</summary>
    public int CheckInsDone { get; set; }
    public int CheckInsExpected { get; set; }
    /// <summary>Active learning plans of the current school year, and their overdue goals.</summary>
    public int ActivePlans { get; set; }
    public int OverdueGoals { get; set; }
    public DateTimeOffset RefreshedAt { get; set; }
}
