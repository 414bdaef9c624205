using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Features.Plans;

public sealed record StandardOption(int Id, string Code, string Statement, string Framework);

/// <summary>Live mastery of a standard linked to a goal.</summary>
public sealed record StandardMastery(int StandardId, string Code, string Statement, string? Level, string? Color, bool AtMastery);

public sealed record CommentView(long Id, int? GoalId, string Author, string AuthorRole, string Body, DateTimeOffset At);

public sealed record SignOffView(PlanAction Action, string Who, string Role, DateTimeOffset At, string Note);

public sealed record RevisionView(long Id, string Who, string Role, DateTimeOffset At, IReadOnlyList<PlanChange> Changes);

/// <summary>Everything the plan page shows, with what this viewer may do.</summary>
public sealed record PlanView(
    int StudentId, string StudentName, int GradeLevel, int PlanId, string SchoolYear, PlanStatus Status, uint Version,
    DateTimeOffset UpdatedAt, string? LastEditor, PlanContent Content, PlanActor Actor, bool CanEdit,
    IReadOnlyList<PlanAction> Actions, bool CanComment, bool NeedsMyAcknowledgement,
    IReadOnlyList<CommentView> Comments, IReadOnlyList<SignOffView> SignOffs,
    IReadOnlyList<StandardMastery> Mastery, IReadOnlyList<StandardOption> StandardOptions);

/// <summary>The plan page: the student, and their plan for this year when there is one.</summary>
public sealed record PlanPageModel(int StudentId, string StudentName, PlanView? Plan, bool CanStart);

/// <summary>What happened to a save.</summary>
public abstract record SaveOutcome
{
    /// <summary>Saved (possibly after merging someone else's changes). New goals and milestones got these ids.</summary>
    public sealed record Saved(uint Version, PlanContent Content, bool MergedOthersChanges,
        IReadOnlyDictionary<int, int> GoalIds, IReadOnlyDictionary<int, int> MilestoneIds) : SaveOutcome;

    /// <summary>Someone else changed the same fields: nothing was saved; the editor chooses per field.</summary>
    public sealed record Conflict(uint TheirVersion, PlanContent Theirs, PlanContent Merged,
        IReadOnlyList<PlanConflict> Conflicts, string? ChangedBy, DateTimeOffset ChangedAt) : SaveOutcome;

    public sealed record Invalid(IReadOnlyList<PlanProblem> Problems) : SaveOutcome;

    public sealed record Refused(string ErrorKey) : SaveOutcome;
}
