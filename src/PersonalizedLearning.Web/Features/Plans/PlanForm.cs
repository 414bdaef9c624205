using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Features.Plans;

/// <summary>The editable form behind the plan page (input model; never an entity).</summary>
public sealed class PlanForm
{
    private int nextTempId = -1;

    public string Aspirations { get; set; } = "";
    public string Reflection { get; set; } = "";
    public List<GoalForm> Goals { get; } = [];
    public List<MilestoneForm> Milestones { get; } = [];

    public static PlanForm From(PlanContent content)
    {
        var form = new PlanForm { Aspirations = content.Aspirations, Reflection = content.Reflection };
        form.Goals.AddRange(content.Goals.Select(g => new GoalForm
        {
            Id = g.Id,
            Title = g.Title,
            WhyItMatters = g.WhyItMatters,
            Strategy = g.Strategy,
            TargetDate = g.TargetDate?.ToDateTime(TimeOnly.MinValue),
            Status = g.Status,
            StandardIds = [.. g.StandardIds],
        }));
        form.Milestones.AddRange(content.Milestones.Select(m => new MilestoneForm
        {
            Id = m.Id,
            Title = m.Title,
            DueOn = m.DueOn?.ToDateTime(TimeOnly.MinValue),
            Done = m.CompletedOn is not null,
            CompletedOn = m.CompletedOn,
        }));
        form.nextTempId = Math.Min(-1, Math.Min(form.Goals.Select(g => g.Id).DefaultIfEmpty(0).Min(), form.Milestones.Select(m => m.Id).DefaultIfEmpty(0).Min()) - 1);
        return form;
    }

    public PlanContent ToContent(DateOnly today) => new(
        Aspirations, Reflection,
        [.. Goals.Select(g => new GoalContent(g.Id, g.Title, g.WhyItMatters, g.Strategy,
            g.TargetDate is { } d ? DateOnly.FromDateTime(d) : null, g.Status, [.. g.StandardIds.Order()]))],
        [.. Milestones.Select(m => new MilestoneContent(m.Id, m.Title, m.DueOn is { } d ? DateOnly.FromDateTime(d) : null,
            m.Done ? m.CompletedOn ?? today : null))]);

    public GoalForm AddGoal(DateOnly defaultTarget)
    {
        var goal = new GoalForm { Id = nextTempId--, TargetDate = defaultTarget.ToDateTime(TimeOnly.MinValue) };
        Goals.Add(goal);
        return goal;
    }

    public MilestoneForm AddMilestone(DateOnly defaultDue)
    {
        var milestone = new MilestoneForm { Id = nextTempId--, DueOn = defaultDue.ToDateTime(TimeOnly.MinValue) };
        Milestones.Add(milestone);
        return milestone;
    }
}

public sealed class GoalForm
{
    public int Id { get; set; }
    public string Title { get; set; } = "";
    public string WhyItMatters { get; set; } = "";
    public string Strategy { get; set; } = "";
    public DateTime? TargetDate { get; set; }
    public GoalStatus Status { get; set; }
    public IReadOnlyCollection<int> StandardIds { get; set; } = [];
}

public sealed class MilestoneForm
{
    public int Id { get; set; }
    public string Title { get; set; } = "";
    public DateTime? DueOn { get; set; }
    public bool Done { get; set; }
    public DateOnly? CompletedOn { get; set; }
}
