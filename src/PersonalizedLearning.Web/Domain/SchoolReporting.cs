namespace PersonalizedLearning.Web.Domain;

/// <summary>
/// Where a student stands on the school dashboard: the share of their assessed standards (in one area, or overall)
/// that are at mastery. "No level yet" when nothing has been assessed.
/// </summary>
public enum MasteryBand
{
    NoLevelYet,
    Beginning,
    Developing,
    Proficient,
}

/// <summary>The dashboard's pure rules: banding and small-group suppression.</summary>
public static class SchoolReporting
{
    /// <summary>At least this percent of assessed standards at mastery: Proficient.</summary>
    public const int ProficientPercent = 70;

    /// <summary>At least this percent (and below proficient): Developing; lower: Beginning.</summary>
    public const int DevelopingPercent = 40;

    public static MasteryBand Band(int assessed, int mastered) =>
        assessed <= 0 ? MasteryBand.NoLevelYet
        : mastered * 100 >= ProficientPercent * assessed ? MasteryBand.Proficient
        : mastered * 100 >= DevelopingPercent * assessed ? MasteryBand.Developing
        : MasteryBand.Beginning;

    /// <summary>A group this small is never reported (its counts are withheld everywhere, exports and lists too).</summary>
    public static bool Suppressed(int groupSize) => groupSize < StudentGroups.MinimumReportedSize;

    /// <summary>Monday of the week a day falls in (weeks start on Monday for the trend charts).</summary>
    public static DateOnly WeekOf(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
}
