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
