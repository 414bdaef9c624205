using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.UnitTests;

public class PlanWorkflowTests
{
    // Every allowed step; everything else must be refused.
    private static readonly Dictionary<(PlanStatus, PlanAction, PlanActor), PlanStatus> Allowed = new()
    {
        [(PlanStatus.Draft, PlanAction.Submit, PlanActor.Student)] = PlanStatus.Submitted,
        [(PlanStatus.ChangesRequested, PlanAction.Submit, PlanActor.Student)] = PlanStatus.Submitted,
        [(PlanStatus.Submitted, PlanAction.RequestChanges, PlanActor.Advisor)] = PlanStatus.ChangesRequested,
        [(PlanStatus.Submitted, PlanAction.Approve, PlanActor.Advisor)] = PlanStatus.Active,
        [(PlanStatus.Active, PlanAction.Complete, PlanActor.Advisor)] = PlanStatus.Completed,
        [(PlanStatus.Completed, PlanAction.Reopen, PlanActor.Advisor)] = PlanStatus.Active,
        [(PlanStatus.Submitted, PlanAction.Acknowledge, PlanActor.Guardian)] = PlanStatus.Submitted,
        [(PlanStatus.Active, PlanAction.Acknowledge, PlanActor.Guardian)] = PlanStatus.Active,
        [(PlanStatus.Completed, PlanAction.Acknowledge, PlanActor.Guardian)] = PlanStatus.Completed,
    };

    public static TheoryData<PlanStatus, PlanAction, PlanActor> EveryCombination()
    {
        var data = new TheoryData<PlanStatus, PlanAction, PlanActor>();
        foreach (var status in Enum.GetValues<PlanStatus>())
        {
            foreach (var action in Enum.GetValues<PlanAction>())
            {
                foreach (var actor in Enum.GetValues<PlanActor>())
                {
                    data.Add(status, action, actor);
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryCombination))]
    public void Only_the_documented_steps_are_allowed(PlanStatus from, PlanAction action, PlanActor actor)
    {
        var (next, refusal) = PlanWorkflow.Apply(from, action, actor, reason: "Please add a date to goal 2.");

        if (Allowed.TryGetValue((from, action, actor), out var expected))
        {
            Assert.Equal(expected, next);
            Assert.Null(refusal);
        }
        else
        {
            Assert.Null(next);
            Assert.NotNull(refusal);
        }
    }

    [Fact]
    public void Requesting_changes_needs_a_reason()
    {
        var (next, refusal) = PlanWorkflow.Apply(PlanStatus.Submitted, PlanAction.RequestChanges, PlanActor.Advisor, "  ");
        Assert.Null(next);
        Assert.Equal("Problem.ReasonRequired", refusal);
    }

    [Fact]
    public void Someone_who_is_not_the_student_or_advisor_is_told_it_is_not_theirs()
    {
        Assert.Equal("Problem.NotYours", PlanWorkflow.Apply(PlanStatus.Draft, PlanAction.Submit, PlanActor.Guardian).RefusalKey);
        Assert.Equal("Problem.NotNow", PlanWorkflow.Apply(PlanStatus.Active, PlanAction.Submit, PlanActor.Student).RefusalKey);
    }

    [Theory]
    [InlineData(PlanStatus.Draft, true, true)]
    [InlineData(PlanStatus.Submitted, false, true)]
    [InlineData(PlanStatus.ChangesRequested, true, true)]
    [InlineData(PlanStatus.Active, true, true)]
    [InlineData(PlanStatus.Completed, false, false)]
    public void The_student_and_advisor_edit_while_the_plan_is_open(PlanStatus status, bool student, bool advisor)
    {
        Assert.Equal(student, PlanWorkflow.CanEdit(status, PlanActor.Student));
        Assert.Equal(advisor, PlanWorkflow.CanEdit(status, PlanActor.Advisor));
        Assert.False(PlanWorkflow.CanEdit(status, PlanActor.Guardian));
        Assert.False(PlanWorkflow.CanEdit(status, PlanActor.Other));
    }
}
