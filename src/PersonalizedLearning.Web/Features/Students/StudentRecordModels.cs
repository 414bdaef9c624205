using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Features.Students;

public sealed record GoalSummary(string Title, DateOnly TargetDate, GoalStatus Status);

public sealed record FrameworkProgress(string Framework, int Standards, int WithEvidence, int Mastered);

public sealed record RecentEvidence(DateOnly ObservedOn, string StandardCode, string Statement, decimal Score, string? Level, string? LevelColor);

public sealed record StudentRecord(
    int StudentId, string Name, string School, int GradeLevel, string? Advisor,
    PlanStatus? PlanStatus, IReadOnlyList<GoalSummary> Goals,
    IReadOnlyList<FrameworkProgress> Mastery, IReadOnlyList<RecentEvidence> RecentEvidence);
