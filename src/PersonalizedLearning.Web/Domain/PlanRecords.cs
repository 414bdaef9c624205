namespace PersonalizedLearning.Web.Domain;

/// <summary>
/// One save of a plan: who, in which role, when, what changed, and the content after it. Autosaves by the same
/// person within a few minutes coalesce into one revision, so history stays readable.
/// </summary>
public sealed class PlanRevision
{
    public long Id { get; set; }
    public int PlanId { get; set; }
    public required string UserId { get; set; }
    public required string Role { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset At { get; set; }
    public List<PlanChange> Changes { get; set; } = [];
    public required PlanContent Snapshot { get; set; }
}

/// <summary>A step in the plan's workflow or a guardian's acknowledgement: who, when, and the reason when one is needed.</summary>
public sealed class PlanSignOff
{
    public long Id { get; set; }
    public int PlanId { get; set; }
    public PlanAction Action { get; set; }
    public required string UserId { get; set; }
    public required string Role { get; set; }
    public DateTimeOffset At { get; set; }
    public string Note { get; set; } = "";
}

/// <summary>A comment on the plan or on one goal, by the student, the advisor, a teacher or a guardian.</summary>
public sealed class PlanComment
{
    public long Id { get; set; }
    public int PlanId { get; set; }
    public int? GoalId { get; set; }
    public required string AuthorUserId { get; set; }
    public required string AuthorRole { get; set; }
    public required string Body { get; set; }
    public DateTimeOffset At { get; set; }

    public const int BodyLimit = 2000;
}

/// <summary>Default content for new plans in a grade band; a school's template wins over the district's.</summary>
public sealed class PlanTemplate
{
    public int Id { get; set; }
    public int DistrictId { get; set; }
    public int? SchoolId { get; set; }
    public required string Name { get; set; }
    public int LowestGrade { get; set; }
    public int HighestGrade { get; set; }
    public string Aspirations { get; set; } = "";
    public List<TemplateGoal> Goals { get; set; } = [];
}

/// <summary>A suggested goal: its target date is this many weeks after the plan starts.</summary>
public sealed record TemplateGoal(string Title, string WhyItMatters, string Strategy, int WeeksFromStart);
