using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Features.Students;

public sealed record GoalSummary(string Title, DateOnly TargetDate, GoalStatus Status);

/// <summary>
/// A framework's mastery on the student record, with the report-card grade shown beside it: the district's conversion
/// of the student's average mastery score over the framework's standards with evidence (null without evidence or
/// without a covering row).
/// </summary>
public sealed record FrameworkProgress(
    string Framework, int Standards, int WithEvidence, int Mastered, decimal? AverageScore = null, string? ReportCardGrade = null);

public sealed record RecentEvidence(DateOnly ObservedOn, string StandardCode, string Statement, decimal Score, string? Level, string? LevelColor);

public sealed record StudentRecord(
    int StudentId, string Name, string School, int GradeLevel, string? Advisor,
    PlanStatus? PlanStatus, IReadOnlyList<GoalSummary> Goals,
    IReadOnlyList<FrameworkProgress> Mastery, IReadOnlyList<RecentEvidence> RecentEvidence);
