namespace PersonalizedLearning.Web.Domain;

/// <summary>Strengths, gaps, interests, aspirations and preferences: one per student, across schools and years.</summary>
public sealed class LearnerProfile
{
    public int StudentId { get; set; }
    public string Strengths { get; set; } = "";
    public string Challenges { get; set; } = "";
    public string Interests { get; set; } = "";
    public List<string> InterestClusters { get; set; } = [];
    public string Aspirations { get; set; } = "";
    public string LearningPreferences { get; set; } = "";
    public string Motivation { get; set; } = "";
    /// <summary>Staff-only support notes (IEP/504 accommodations); never shown to students' peers or families.</summary>
    public string SupportNotes { get; set; } = "";
    public bool HasIep { get; set; }
    public bool Has504 { get; set; }
    public bool EnglishLearner { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public uint Version { get; set; }
}

public enum PlanStatus
{
    Draft,
    Submitted,
    ChangesRequested,
    Active,
    Completed,
}

/// <summary>One living personal learning plan per student per school year.</summary>
public sealed class LearningPlan
{
    public int Id { get; set; }
    public int StudentId { get; set; }
    public Student? Student { get; set; }
    public int SchoolYearId { get; set; }
    public PlanStatus Status { get; set; }
    public string Aspirations { get; set; } = "";
    public string Reflection { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public uint Version { get; set; }
    public List<PlanGoal> Goals { get; set; } = [];
    public List<PlanMilestone> Milestones { get; set; } = [];
}

public enum GoalStatus
{
    NotStarted,
    InProgress,
    Achieved,
    Dropped,
}

public sealed class PlanGoal
{
    public int Id { get; set; }
    public int PlanId { get; set; }
    public required string Title { get; set; }
    public string WhyItMatters { get; set; } = "";
    public string Strategy { get; set; } = "";
    public DateOnly TargetDate { get; set; }
    public GoalStatus Status { get; set; }
    public int SortOrder { get; set; }
    public List<Standard> Standards { get; set; } = [];
}

public sealed class PlanMilestone
{
    public int Id { get; set; }
    public int PlanId { get; set; }
    public required string Title { get; set; }
    public DateOnly DueOn { get; set; }
    public DateOnly? CompletedOn { get; set; }
}

public enum CheckInAttendance
{
    Present,
    Absent,
    Excused,
}

/// <summary>A student's daily advisory check-in: one per student per school day.</summary>
public sealed class CheckIn
{
    public long Id { get; set; }
    public int StudentId { get; set; }
    public int AdvisoryId { get; set; }
    public DateOnly Day { get; set; }
    public CheckInAttendance Attendance { get; set; }
    /// <summary>1 (very low) to 5 (great); null when the student did not say.</summary>
    public int? Mood { get; set; }
    public string Progress { get; set; } = "";
    public string TodayGoal { get; set; } = "";
    public bool NeedsHelp { get; set; }
    public string HelpWith { get; set; } = "";
    public string AdvisorNote { get; set; } = "";
    public bool AdvisorNoteShared { get; set; }
    public string? RecordedByUserId { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
    /// <summary>When the student filled in their own part; null when the advisor recorded it all.</summary>
    public DateTimeOffset? StudentSubmittedAt { get; set; }
    /// <summary>When the advisor confirmed a check-in the student had filled in.</summary>
    public DateTimeOffset? ConfirmedAt { get; set; }
    /// <summary>Why the check-in was added after its day (empty for same-day check-ins).</summary>
    public string BackfillReason { get; set; } = "";
}
