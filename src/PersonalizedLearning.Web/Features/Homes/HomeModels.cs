using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Features.Homes;

public sealed record StudentHomeModel(
    int StudentId, string Name, string School, int GradeLevel, string? Advisor,
    PlanStatus? PlanStatus, int GoalCount, int StandardsMastered, int StandardsWithEvidence, DateOnly? LastCheckIn);

public sealed record SectionRow(int Id, string Name, string Course, int StudentCount, int EvidenceThisWeek);

public sealed record TeacherHomeModel(string School, IReadOnlyList<SectionRow> Sections);

public sealed record ChildRow(
    int StudentId, string Name, string School, int GradeLevel, string? Advisor,
    PlanStatus? PlanStatus, int StandardsMastered, int StandardsWithEvidence);

public sealed record GuardianHomeModel(IReadOnlyList<ChildRow> Children);

public sealed record CountRow(string Label, int Count);

public sealed record SchoolRow(int Id, string Name, int Students, int Staff);

public sealed record AdminHomeModel(
    string District, IReadOnlyList<SchoolRow> Schools, IReadOnlyList<CountRow> UsersByRole, int Frameworks, int Standards);
