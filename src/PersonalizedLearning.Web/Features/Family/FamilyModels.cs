using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Features.Family;

public sealed record ChildChoice(int StudentId, string FirstName);

public sealed record ChildGoal(string Title, DateOnly TargetDate, GoalStatus Status, int Standards, int Mastered);

/// <summary>Progress in one area: a framework's top-level standard group.</summary>
public sealed record AreaProgress(string Framework, string Code, string Area, int Standards, int WithEvidence, int Mastered);

public sealed record MasteryChange(DateOnly On, string Code, string Statement, string? Level, string? Color, bool AtMastery);

public sealed record EvidenceRow(DateOnly On, string Code, string Statement, decimal Score, string? Level, string? Color);

public sealed record Attendance(int Present, int Absent, int Excused, DateOnly? Since);

public sealed record SharedNote(DateOnly Day, string Note);

public sealed record FamilyFlag(FlagRule Rule, DateTimeOffset RaisedAt);

/// <summary>Everything a guardian sees about one child; only that child's data.</summary>
public sealed record ChildPageModel(
    int StudentId, string Name, string FirstName, string School, int GradeLevel, string? Advisor,
    IReadOnlyList<ChildChoice> Children,
    PlanStatus? PlanStatus, bool NeedsAcknowledgement, IReadOnlyList<ChildGoal> Goals,
    IReadOnlyList<AreaProgress> Areas, IReadOnlyList<MasteryChange> RecentChanges, IReadOnlyList<EvidenceRow> RecentEvidence,
    Attendance Attendance, IReadOnlyList<SharedNote> Notes, IReadOnlyList<FamilyFlag> Flags, int UnreadMessages);

public sealed record MessageView(long Id, string Author, bool Mine, string Body, DateTimeOffset SentAt);

public sealed record ThreadModel(
    int StudentId, string StudentName, string GuardianUserId, string GuardianName, string? AdvisorName,
    bool AsGuardian, IReadOnlyList<MessageView> Messages);

public sealed record ThreadRow(int StudentId, string StudentName, string GuardianUserId, string GuardianName,
    DateTimeOffset? LastMessageAt, int Unread);

public sealed record NotificationView(
    long Id, int StudentId, string StudentFirstName, AlertKind Kind, IReadOnlyList<string> Facts, DateTimeOffset CreatedAt, bool Read);

public sealed class AlertSettingsForm
{
    public HashSet<AlertKind> Enabled { get; set; } = [.. Enum.GetValues<AlertKind>()];
    public AlertEmail Email { get; set; }
}
