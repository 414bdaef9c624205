using System.ComponentModel.DataAnnotations;
using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Features.Advisory;

/// <summary>An expected refusal, with the text key to show. Bugs throw instead.</summary>
public sealed record Result(bool Ok, string? ErrorKey = null)
{
    public static readonly Result Success = new(true);
    public static readonly Result NotFound = new(false, "NotFoundBody");

    public static Result Error(string key) => new(false, key);
}

public sealed record GoalOption(int Id, string Title);

/// <summary>Today's check-in as the advisor's board shows it; <see cref="WaitingForAdvisor"/> when only the student filled it.</summary>
public sealed record TodayCheckIn(
    CheckInAttendance Attendance, int? Mood, string TodayGoal, string Progress, bool NeedsHelp, string HelpWith,
    string AdvisorNote, bool AdvisorNoteShared, bool WaitingForAdvisor);

public sealed record FlagView(
    long Id, int StudentId, string StudentName, FlagRule Rule, IReadOnlyList<string> Facts, DateTimeOffset RaisedAt,
    DateTimeOffset? ResolvedAt, string? ResolvedBy, string ResolutionNote);

public sealed record BoardRow(
    int StudentId, string Name, int GradeLevel, PlanStatus? PlanStatus, TodayCheckIn? Today, DateOnly? LastCheckIn,
    IReadOnlyList<int> RecentMoods, IReadOnlyList<FlagView> OpenFlags, IReadOnlyList<GoalOption> Goals, DateOnly? FollowUpDue);

public sealed record AdvisoryBoardModel(
    int? AdvisoryId, string? Advisory, string School, DateOnly Today, bool IsSchoolDay, IReadOnlyList<BoardRow> Rows);

/// <summary>One check-in as a viewer may see it: <see cref="AdvisorNote"/> is null when the note is not for them.</summary>
public sealed record CheckInView(
    DateOnly Day, CheckInAttendance Attendance, int? Mood, string Progress, string TodayGoal, bool NeedsHelp,
    string HelpWith, string? AdvisorNote, bool AdvisorNoteShared, string BackfillReason);

/// <summary>The advisor's form for one student and day.</summary>
public sealed class CheckInInput
{
    public int StudentId { get; set; }
    public DateOnly Day { get; set; }
    public CheckInAttendance Attendance { get; set; } = CheckInAttendance.Present;
    [Range(1, 5)]
    public int? Mood { get; set; }
    [MaxLength(500)]
    public string TodayGoal { get; set; } = "";
    [MaxLength(2000)]
    public string Progress { get; set; } = "";
    public bool NeedsHelp { get; set; }
    [MaxLength(1000)]
    public string HelpWith { get; set; } = "";
    [MaxLength(2000)]
    public string AdvisorNote { get; set; } = "";
    public bool AdvisorNoteShared { get; set; }
    [MaxLength(500)]
    public string BackfillReason { get; set; } = "";
}

/// <summary>The student's own reflection for today.</summary>
public sealed class ReflectionInput
{
    [Range(1, 5)]
    public int? Mood { get; set; }
    [MaxLength(2000)]
    public string Progress { get; set; } = "";
    [MaxLength(500)]
    public string TodayGoal { get; set; } = "";
    public bool NeedsHelp { get; set; }
    [MaxLength(1000)]
    public string HelpWith { get; set; } = "";
}

public sealed record MyCheckInModel(
    int StudentId, string Name, bool HasAdvisory, DateOnly Today, bool IsSchoolDay, IReadOnlyList<GoalOption> Goals,
    CheckInView? TodayEntry, IReadOnlyList<CheckInView> Recent);

public sealed record InterventionView(
    long Id, InterventionKind Kind, DateOnly Day, string ByWhom, int DurationMinutes, string Notes, string Outcome, DateOnly? FollowUpOn);

public sealed record StudentSupportModel(
    int StudentId, string Name, bool AtRisk, int AllowanceHours, decimal TutoringHoursUsed,
    IReadOnlyList<FlagView> Flags, IReadOnlyList<InterventionView> Interventions, IReadOnlyList<CheckInView> CheckIns)
{
    public decimal TutoringHoursLeft => Math.Max(0, AllowanceHours - TutoringHoursUsed);
}

public sealed class InterventionInput
{
    public int StudentId { get; set; }
    public InterventionKind Kind { get; set; } = InterventionKind.Tutoring;
    public DateOnly Day { get; set; }
    [Required, MaxLength(200)]
    public string ByWhom { get; set; } = "";
    [Range(0, 600)]
    public int DurationMinutes { get; set; } = 30;
    [MaxLength(4000)]
    public string Notes { get; set; } = "";
    [MaxLength(2000)]
    public string Outcome { get; set; } = "";
    public DateOnly? FollowUpOn { get; set; }
}

public sealed record FlagCount(FlagRule Rule, int Count);

public sealed record FlagOverviewModel(IReadOnlyList<FlagCount> Counts, IReadOnlyList<FlagView> Open);
