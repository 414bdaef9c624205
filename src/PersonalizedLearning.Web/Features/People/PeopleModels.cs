using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Features.People;

public sealed record PersonRow(string Id, string DisplayName, string? Email, IReadOnlyList<string> Roles, string? School, bool Active, bool Locked);

public sealed record GuardianLinkRow(int Id, int StudentId, string Student, string StudentNumber, GuardianRelationship Relationship, bool CustodyRestricted);

/// <summary>One account as the admin edits it. <see cref="Stamp"/> is Identity's concurrency stamp when it was read.</summary>
public sealed record PersonDetail(
    string Id, string DisplayName, string? Email, IReadOnlyList<string> Roles, string? School, bool Active, bool Locked,
    string Stamp, IReadOnlyList<GuardianLinkRow> Children);

public sealed record PeopleResult(int Total, IReadOnlyList<PersonRow> People);

public sealed record StudentAdminRow(int Id, string Name, string StudentNumber, int SchoolId, string School, int GradeLevel, int? AdvisoryId, string? Advisory);

public sealed record AdvisoryOption(int Id, string Name, int SchoolId);
