using System.Globalization;

namespace PersonalizedLearning.Web.Domain;

/// <summary>One day's check-in as the rules see it.</summary>
public sealed record CheckInFact(DateOnly Day, CheckInAttendance Attendance, int? Mood, bool NeedsHelp, bool Answered);

/// <summary>The recent scores on one standard, oldest first.</summary>
public sealed record StandardScores(int StandardId, string Code, IReadOnlyList<decimal> Scores);

public sealed record GoalFact(int Id, string Title, DateOnly TargetDate, GoalStatus Status);

/// <summary>Everything the rules need about one student; gathered by the evaluator, no database here.</summary>
public sealed record StudentFacts(
    int StudentId,
    IReadOnlyList<CheckInFact> CheckIns,
    IReadOnlyList<DateOnly> InterventionDays,
    IReadOnlyList<StandardScores> Standards,
    DateOnly? LastEvidenceDay,
    PlanStatus? PlanStatus,
    IReadOnlyList<GoalFact> Goals);

/// <summary>A rule that holds: the situation (episode) and the facts behind the reason shown to people.</summary>
public sealed record FlagFinding(FlagRule Rule, string Episode, IReadOnlyList<string> Facts);

/// <summary>
/// The early-warning rules: pure functions of a student's facts, today and the school calendar. Weekends, holidays
/// and breaks are never counted as missed days. Each finding carries the facts its reason is built from.
/// </summary>
public static class EarlyWarningRules
{
    public static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Num(decimal n) => n.ToString("0.##", CultureInfo.InvariantCulture);

    public static IReadOnlyList<FlagFinding> Evaluate(StudentFacts f, DateOnly today, SchoolCalendar calendar, DistrictSettings s) =>
        [.. new[]
        {
            NoCheckIn(f, today, calendar, s),
            LowMood(f, s),
            HelpUnanswered(f, today, calendar, s),
            MasteryFalling(f, s),
            NoEvidence(f, today, calendar, s),
            GoalsPastTarget(f, today),
            PlanStillDraft(f, today, calendar, s),
        }.OfType<FlagFinding>()];

    /// <summary>
    /// No check-in (present or excused) for N school days before today. Today is not missed yet: advisory may not
    /// have met. An absence mark is not a check-in.
    /// </summary>
    public static FlagFinding? NoCheckIn(StudentFacts f, DateOnly today, SchoolCalendar calendar, DistrictSettings s)
    {
        var last = f.CheckIns.Where(c => c.Day < today && c.Attendance != CheckInAttendance.Absent)
            .Select(c => (DateOnly?)c.Day).Max();
        var from = last ?? calendar.FirstDay.AddDays(-1);
        var missed = calendar.SchoolDaysBetween(from, today.AddDays(-1));
        return missed >= s.NoCheckInSchoolDays
            ? new FlagFinding(FlagRule.NoCheckIn, last is { } l ? Iso(l) : "none",
                [missed.ToString(CultureInfo.InvariantCulture), last is { } d ? Iso(d) : ""])
            : null;
    }

    /// <summary>Mood at or below the low mark on at least K of the last W check-ins that have a mood.</summary>
    public static FlagFinding? LowMood(StudentFacts f, DistrictSettings s)
    {
        var recent = f.CheckIns.Where(c => c.Mood is not null).OrderByDescending(c => c.Day).Take(s.LowMoodWindow).ToList();
        var low = recent.Where(c => c.Mood <= s.LowMoodMax).ToList();
        return low.Count >= s.LowMoodCount
            ? new FlagFinding(FlagRule.LowMood, Iso(low[0].Day),
                [low.Count.ToString(CultureInfo.InvariantCulture), recent.Count.ToString(CultureInfo.InvariantCulture)])
            : null;
    }

    /// <summary>Only help requests from this many school days back count; older ones are history, not an alarm.</summary>
    public const int HelpLookbackSchoolDays = 10;

    /// <summary>
    /// A recent "needs help" that nobody answered — no advisor note on that check-in or a later one, and no
    /// intervention on or after its day — for N school days.
    /// </summary>
    public static FlagFinding? HelpUnanswered(StudentFacts f, DateOnly today, SchoolCalendar calendar, DistrictSettings s)
    {
        var open = f.CheckIns
            .Where(c => c.NeedsHelp && calendar.SchoolDaysBetween(c.Day, today) is var age
                && age >= s.HelpAnswerSchoolDays && age <= HelpLookbackSchoolDays)
            .Where(c => !f.CheckIns.Any(a => a.Answered && a.Day >= c.Day) && !f.InterventionDays.Any(d => d >= c.Day))
            .OrderBy(c => c.Day)
            .FirstOrDefault();
        return open is null
            ? null
            : new FlagFinding(FlagRule.HelpUnanswered, Iso(open.Day),
                [Iso(open.Day), calendar.SchoolDaysBetween(open.Day, today).ToString(CultureInfo.InvariantCulture)]);
    }

    /// <summary>Falling on a standard: each of the last three scores lower than the one before.</summary>
    public static bool IsFalling(IReadOnlyList<decimal> scores)
    {
        if (scores.Count < 3)
        {
            return false;
        }
        var last = scores.Skip(scores.Count - 3).ToList();
        return last[1] < last[0] && last[2] < last[1];
    }

    public static FlagFinding? MasteryFalling(StudentFacts f, DistrictSettings s)
    {
        var falling = f.Standards.Where(x => IsFalling(x.Scores)).OrderBy(x => x.Code, StringComparer.Ordinal).ToList();
        return falling.Count >= s.FallingStandards
            ? new FlagFinding(FlagRule.MasteryFalling,
                string.Join(',', falling.Select(x => x.StandardId).Order()),
                [.. falling.Select(x => $"{x.Code}: {string.Join(" → ", x.Scores.Skip(x.Scores.Count - 3).Select(Num))}")])
            : null;
    }

    /// <summary>No evidence on any standard for N school days (counted from the start of the year when there is none).</summary>
    public static FlagFinding? NoEvidence(StudentFacts f, DateOnly today, SchoolCalendar calendar, DistrictSettings s)
    {
        var from = f.LastEvidenceDay ?? calendar.FirstDay.AddDays(-1);
        var days = calendar.SchoolDaysBetween(from, today);
        return days >= s.NoEvidenceSchoolDays
            ? new FlagFinding(FlagRule.NoEvidence, f.LastEvidenceDay is { } e ? Iso(e) : "none",
                [days.ToString(CultureInfo.InvariantCulture), f.LastEvidenceDay is { } d ? Iso(d) : ""])
            : null;
    }

    /// <summary>Plan goals whose target date has passed and that are neither achieved nor dropped.</summary>
    public static FlagFinding? GoalsPastTarget(StudentFacts f, DateOnly today)
    {
        var late = f.Goals.Where(g => g.TargetDate < today && g.Status is GoalStatus.NotStarted or GoalStatus.InProgress)
            .OrderBy(g => g.TargetDate).ToList();
        return late.Count == 0
            ? null
            : new FlagFinding(FlagRule.GoalsPastTarget, string.Join(',', late.Select(g => g.Id).Order()),
                [.. late.Select(g => $"{g.Title} ({Iso(g.TargetDate)})")]);
    }

    /// <summary>The plan is still a draft (or missing) N weeks after the first day of school.</summary>
    public static FlagFinding? PlanStillDraft(StudentFacts f, DateOnly today, SchoolCalendar calendar, DistrictSettings s)
    {
        var due = calendar.FirstDay.AddDays(7 * s.PlanDraftWeeks);
        return today >= due && f.PlanStatus is null or PlanStatus.Draft
            ? new FlagFinding(FlagRule.PlanStillDraft, f.PlanStatus is null ? "none" : "draft", [Iso(due)])
            : null;
    }
}
