namespace PersonalizedLearning.Web.Domain;

/// <summary>What someone can do to a plan's status.</summary>
public enum PlanAction
{
    Submit,
    RequestChanges,
    Approve,
    Complete,
    Reopen,
    Acknowledge,
}

/// <summary>How the person acting relates to the student.</summary>
public enum PlanActor
{
    Student,
    Advisor,
    Guardian,
    Other,
}

/// <summary>
/// The plan workflow: draft → submitted → active → completed, with "changes requested" back to the student.
/// The student submits; the advisor requests changes (with a reason), approves, completes and reopens;
/// a guardian acknowledges without changing the status.
/// </summary>
public static class PlanWorkflow
{
    public static (PlanStatus? Next, string? RefusalKey) Apply(PlanStatus from, PlanAction action, PlanActor actor, string? reason = null)
    {
        return (action, actor, from) switch
        {
            (PlanAction.Submit, PlanActor.Student, PlanStatus.Draft or PlanStatus.ChangesRequested) => (PlanStatus.Submitted, null),
            (PlanAction.RequestChanges, PlanActor.Advisor, PlanStatus.Submitted) when string.IsNullOrWhiteSpace(reason) => (null, "Problem.ReasonRequired"),
            (PlanAction.RequestChanges, PlanActor.Advisor, PlanStatus.Submitted) => (PlanStatus.ChangesRequested, null),
            (PlanAction.Approve, PlanActor.Advisor, PlanStatus.Submitted) => (PlanStatus.Active, null),
            (PlanAction.Complete, PlanActor.Advisor, PlanStatus.Active) => (PlanStatus.Completed, null),
            (PlanAction.Reopen, PlanActor.Advisor, PlanStatus.Completed) => (PlanStatus.Active, null),
            (PlanAction.Acknowledge, PlanActor.Guardian, PlanStatus.Submitted or PlanStatus.Active or PlanStatus.Completed) => (from, null),
            (_, PlanActor.Student or PlanActor.Advisor or PlanActor.Guardian, _) when Allowed(action).Contains(actor) => (null, "Problem.NotNow"),
            _ => (null, "Problem.NotYours"),
        };
    }

    /// <summary>Who edits the content in each status: the student while it is theirs to shape, the advisor until completed.</summary>
    public static bool CanEdit(PlanStatus status, PlanActor actor) => actor switch
    {
        PlanActor.Student => status is PlanStatus.Draft or PlanStatus.ChangesRequested or PlanStatus.Active,
        PlanActor.Advisor => status is not PlanStatus.Completed,
        _ => false,
    };

    /// <summary>The actions this actor could take in this status (for the buttons the page offers).</summary>
    public static IReadOnlyList<PlanAction> Available(PlanStatus status, PlanActor actor) =>
        [.. Enum.GetValues<PlanAction>().Where(a => Apply(status, a, actor, "reason").Next is not null)];

    private static PlanActor[] Allowed(PlanAction action) => action switch
    {
        PlanAction.Submit => [PlanActor.Student],
        PlanAction.Acknowledge => [PlanActor.Guardian],
        _ => [PlanActor.Advisor],
    };
}
