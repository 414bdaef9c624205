namespace PersonalizedLearning.Web.Domain;

/// <summary>The early-warning rules; each is configurable in <see cref="DistrictSettings"/>.</summary>
public enum FlagRule
{
    NoCheckIn,
    LowMood,
    HelpUnanswered,
    MasteryFalling,
    NoEvidence,
    GoalsPastTarget,
    PlanStillDraft,
}

/// <summary>
/// A raised early-warning flag: which rule, the facts behind it, and how it was resolved. Never deleted, so the
/// history stays. <see cref="Episode"/> identifies the situation (e.g. "last check-in 2026-11-17"); a resolved flag
/// is raised again only when a new situation arises.
/// </summary>
public sealed class EarlyWarningFlag
{
    public long Id { get; set; }
    public int StudentId { get; set; }
    public FlagRule Rule { get; set; }
    public required string Episode { get; set; }
    /// <summary>The values the reason text is built from (dates as yyyy-MM-dd, numbers, names of goals).</summary>
    public List<string> Facts { get; set; } = [];
    public DateTimeOffset RaisedAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public string? ResolvedByUserId { get; set; }
    public string ResolutionNote { get; set; } = "";
}

public enum InterventionKind
{
    Tutoring,
    FamilyContact,
    CounselorReferral,
    SmallGroup,
    Other,
}

/// <summary>Support given to a student: tutoring hours count against the yearly allowance.</summary>
public sealed class Intervention
{
    public long Id { get; set; }
    public int StudentId { get; set; }
    public InterventionKind Kind { get; set; }
    public DateOnly Day { get; set; }
    /// <summary>Who gave it (free text: "Ms. Ortiz", "the counselor").</summary>
    public required string ByWhom { get; set; }
    public int DurationMinutes { get; set; }
    public string Notes { get; set; } = "";
    public string Outcome { get; set; } = "";
    public DateOnly? FollowUpOn { get; set; }
    public required string RecordedByUserId { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
}
