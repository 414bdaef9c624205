using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Features.Mastery;

/// <summary>Why a student shows on the grid's "needs attention" list (read from rollups only).</summary>
public sealed record AttentionRow(int StudentId, string Name, int? SchoolDaysSinceEvidence, bool Quiet, IReadOnlyList<string> BelowMastery);

/// <summary>
/// Pure "needs attention" rules over a student's rollups in one framework: no evidence in 10 school days (counted
/// with the school calendar, so weekends and breaks never count), and below mastery after 3 or more attempts.
/// </summary>
public static class MasteryAttention
{
    public const int QuietSchoolDays = 10;
    public const int Attempts = 3;

    public static AttentionRow? For(
        GridStudent student, IEnumerable<GridCell> cells, IReadOnlyDictionary<int, string> codes,
        DateOnly today, SchoolCalendar? calendar, Func<DateTimeOffset, DateOnly> toLocalDay)
    {
        var mine = cells.Where(c => c.StudentId == student.Id && c.EvidenceCount > 0).ToList();
        var last = mine.Max(c => c.LastEvidenceAt);
        int? since = last is null || calendar is null ? null : calendar.SchoolDaysBetween(toLocalDay(last.Value), today);
        var quiet = calendar is not null && (since is null || since >= QuietSchoolDays);
        var below = mine.Where(c => c.EvidenceCount >= Attempts && !c.AtMastery && codes.ContainsKey(c.StandardId))
            .Select(c => codes[c.StandardId]).Order(StringComparer.Ordinal).ToList();
        return quiet || below.Count > 0 ? new AttentionRow(student.Id, student.Name, since, quiet, below) : null;
    }
}

/// <summary>A student whose mastery is falling: by the last three scores, or the level dropped within 20 school days.</summary>
public sealed record FallingRow(int StudentId, string Name, IReadOnlyList<string> FallingScores, IReadOnlyList<string> DroppedLevel);

/// <summary>
/// The falling-trend rule of "needs attention" (pure): on a standard, each of the last three scores lower than the one
/// before, or the level now lower than the level the same evidence gave 20 school days ago.
/// </summary>
public static class MasteryTrend
{
    public const int LevelDropSchoolDays = 20;

    /// <summary>Each of the last three scores (in observed order) lower than the one before.</summary>
    public static bool IsFalling(IReadOnlyList<ScoredEvidence> ordered) =>
        EarlyWarningRules.IsFalling([.. ordered.Select(e => e.Score)]);

    /// <summary>The level now is lower than the level computed from the evidence observed by <paramref name="then"/>.</summary>
    public static bool DroppedALevel(
        IReadOnlyList<ScoredEvidence> evidence, DateTimeOffset then, MasteryMethod method, int parameter, decimal masteryPoints,
        IReadOnlyList<MasteryLevel> scale)
    {
        var before = evidence.Where(e => e.ObservedAt <= then).ToList();
        if (before.Count == 0 || before.Count == evidence.Count)
        {
            return false;
        }
        var levelThen = MasteryCalculator.LevelFor(MasteryCalculator.Calculate(before, method, parameter, masteryPoints).Score, scale);
        var levelNow = MasteryCalculator.LevelFor(MasteryCalculator.Calculate(evidence, method, parameter, masteryPoints).Score, scale);
        return levelThen is not null && levelNow is not null && levelNow.Points < levelThen.Points;
    }

    /// <summary>The day <paramref name="schoolDays"/> school days before <paramref name="today"/> (calendar days ×7/5 without a calendar).</summary>
    public static DateOnly SchoolDaysBefore(DateOnly today, int schoolDays, SchoolCalendar? calendar)
    {
        if (calendar is null)
        {
            return today.AddDays(-(schoolDays * 7 / 5));
        }
        var day = today;
        for (var counted = 0; counted < schoolDays && day > calendar.FirstDay.AddDays(-1);)
        {
            day = day.AddDays(-1);
            if (calendar.IsSchoolDay(day))
            {
                counted++;
            }
        }
        return day;
    }
}
