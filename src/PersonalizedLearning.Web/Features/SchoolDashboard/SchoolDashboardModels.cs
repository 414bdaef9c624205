using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Features.SchoolDashboard;

/// <summary>
/// One row of a mastery distribution: a grade, an area or a student group, how many students it has and how many are
/// in each band. A group smaller than <see cref="StudentGroups.MinimumReportedSize"/> has no counts at all.
/// <see cref="Query"/> is the drill-down filter ("grade=7", "area=12", "group=Sex.Female").
/// </summary>
public sealed record BandRow(string Query, string Label, int Students, IReadOnlyDictionary<MasteryBand, int>? Bands)
{
    public bool Suppressed => Bands is null;

    public int? Count(MasteryBand band) => Bands is null ? null : Bands.GetValueOrDefault(band);

    public static BandRow Of(string query, string label, IReadOnlyDictionary<MasteryBand, int> bands)
    {
        var students = bands.Values.Sum();
        return new BandRow(query, label, students, SchoolReporting.Suppressed(students) ? null : bands);
    }
}

public sealed record RuleCount(FlagRule Rule, int Flags, int Students);

public sealed record WeekCount(DateOnly Week, int Count);

public sealed record CheckInRate(int AdvisoryId, string Advisory, string Advisor, int Members, int Expected, int Done)
{
    public double Percent => Expected == 0 ? 0 : Math.Round(100.0 * Done / Expected, 1);
}

public sealed record SectionActivity(int SectionId, string Section, string Teachers, IReadOnlyList<int> PerWeek)
{
    public int Total => PerWeek.Sum();
}

/// <summary>
/// The school dashboard. Mastery bands (by grade, area and group) and teacher activity are as of <see cref="AsOf"/>
/// (the last refresh of <c>school_stats</c>); every other number is live.
/// </summary>
public sealed record SchoolDashboardModel(
    int SchoolId,
    string School,
    int Students,
    IReadOnlyList<BandRow> ByGrade,
    IReadOnlyList<BandRow> ByArea,
    IReadOnlyList<BandRow> ByGroup,
    int StudentsAtRisk,
    IReadOnlyList<RuleCount> OpenFlags,
    IReadOnlyList<WeekCount> FlagTrend,
    int WithoutAdvisor,
    int AdvisoriesOverSize,
    int MaxAdvisorySize,
    IReadOnlyList<DateOnly> SchoolDaysThisWeek,
    IReadOnlyList<CheckInRate> CheckIns,
    IReadOnlyDictionary<PlanStatus, int> Plans,
    int StudentsWithoutPlan,
    int OverdueGoals,
    int StudentsWithOverdueGoals,
    IReadOnlyList<DateOnly> ActivityWeeks,
    IReadOnlyList<SectionActivity> Activity,
    DateTimeOffset? AsOf = null);

/// <summary>
/// The filter of the drill-down list; every dashboard number links to one. <see cref="School"/>: the school a district
/// admin opened from the district view (null: the principal's own school).
/// </summary>
public sealed record StudentFilter(
    int? Grade = null, MasteryBand? Level = null, int? Area = null, string? Group = null, FlagRule? FlagRule = null,
    PlanStatus? PlanStatus = null, bool NoPlan = false, bool NoAdvisor = false, bool OverdueGoals = false, bool AtRisk = false,
    int? School = null)
{
    public bool ByGroup => Grade is not null || Area is not null || Group is not null;
}

public sealed record DrillStudent(int Id, string Name, string StudentNumber, int GradeLevel, string? Advisory, MasteryBand Band, int OpenFlags, PlanStatus? Plan);

/// <summary>A page of the drill-down. <see cref="Suppressed"/>: the group is under 10 students, so no one is listed.</summary>
public sealed record DrillPage(int Total, IReadOnlyList<DrillStudent> Students, bool Suppressed, int Page, int PageSize);
