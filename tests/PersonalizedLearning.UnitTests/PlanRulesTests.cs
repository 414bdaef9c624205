using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Features.Plans;

namespace PersonalizedLearning.UnitTests;

public class PlanRulesTests
{
    private static readonly DateOnly Today = new(2026, 11, 30);

    private static readonly PlanContent Original = new(
        "Become a nurse", "",
        [new GoalContent(1, "Fractions", "Dosages", "Khan playlists", new DateOnly(2027, 1, 15), GoalStatus.InProgress, [10])],
        [new MilestoneContent(5, "Quiz", new DateOnly(2026, 12, 10), null)]);

    [Fact]
    public void Changes_to_different_fields_by_two_editors_are_both_kept()
    {
        var mine = Original with { Aspirations = "Become a pediatric nurse" };
        var theirs = Original with { Goals = [Original.Goals[0] with { Strategy = "Small group on Tuesdays" }] };

        var (merged, conflicts) = PlanRules.Merge(Original, mine, theirs);

        Assert.Empty(conflicts);
        Assert.Equal("Become a pediatric nurse", merged.Aspirations);
        Assert.Equal("Small group on Tuesdays", merged.Goals[0].Strategy);
    }

    [Fact]
    public void The_same_field_changed_differently_is_a_conflict_that_keeps_both_values()
    {
        var mine = Original with { Aspirations = "Nurse" };
        var theirs = Original with { Aspirations = "Doctor" };

        var (merged, conflicts) = PlanRules.Merge(Original, mine, theirs);

        var conflict = Assert.Single(conflicts);
        Assert.Equal(new PlanConflict("aspirations", "Nurse", "Doctor"), conflict);
        Assert.Equal("Doctor", merged.Aspirations);
        Assert.Equal("Nurse", PlanRules.Resolve(merged, conflicts).Aspirations);
    }

    [Fact]
    public void Goals_added_on_both_sides_are_all_kept()
    {
        var mine = Original with { Goals = [.. Original.Goals, new GoalContent(-1, "Essay", "", "", Today.AddDays(30), GoalStatus.NotStarted, [])] };
        var theirs = Original with { Goals = [.. Original.Goals, new GoalContent(2, "Lab report", "", "", Today.AddDays(20), GoalStatus.NotStarted, [])] };

        var (merged, conflicts) = PlanRules.Merge(Original, mine, theirs);

        Assert.Empty(conflicts);
        Assert.Equal(["Essay", "Fractions", "Lab report"], merged.Goals.Select(g => g.Title).Order(StringComparer.Ordinal));
        Assert.Equal(3, merged.Goals.Count);
    }

    [Fact]
    public void Removing_a_goal_the_other_editor_changed_is_a_conflict_not_a_silent_loss()
    {
        var mine = Original with { Goals = [] };
        var theirs = Original with { Goals = [Original.Goals[0] with { Title = "Fractions and decimals" }] };

        var (_, conflicts) = PlanRules.Merge(Original, mine, theirs);

        Assert.Contains(conflicts, c => c.Field == "goal:1:title");
    }

    [Fact]
    public void A_goal_needs_a_title_and_a_target_date_that_is_not_in_the_past()
    {
        var plan = Original with
        {
            Goals = [new GoalContent(-1, " ", "", "", null, GoalStatus.NotStarted, []), new GoalContent(-2, "Late", "", "", Today.AddDays(-1), GoalStatus.NotStarted, [])],
        };

        var problems = PlanRules.Validate(plan, Today);

        Assert.Contains(new PlanProblem("goal:-1:title", "Problem.GoalTitleRequired"), problems, ProblemComparer.Instance);
        Assert.Contains(new PlanProblem("goal:-1:target", "Problem.TargetDateRequired"), problems, ProblemComparer.Instance);
        Assert.Contains(new PlanProblem("goal:-2:target", "Problem.TargetDateInPast"), problems, ProblemComparer.Instance);
    }

    [Fact]
    public void A_target_date_set_earlier_may_pass_without_blocking_other_edits()
    {
        var old = Original with { Goals = [Original.Goals[0] with { TargetDate = Today.AddDays(-10) }] };
        var edited = old with { Reflection = "Going well" };

        Assert.Empty(PlanRules.Validate(edited, Today, old));
    }

    [Fact]
    public void Text_over_the_limit_is_refused_with_the_limit_in_the_message()
    {
        var plan = Original with { Aspirations = new string('a', PlanContent.TextLimit + 1) };
        var problem = Assert.Single(PlanRules.Validate(plan, Today));
        Assert.Equal("Problem.TooLong", problem.MessageKey);
        Assert.Equal(PlanContent.TextLimit, problem.Arguments[0]);
    }

    [Fact]
    public void Changes_list_every_field_that_differs()
    {
        var after = Original with { Aspirations = "Nurse", Milestones = [] };
        var changes = PlanRules.Changes(Original, after).Select(c => c.Field).ToList();
        Assert.Contains("aspirations", changes);
        Assert.Contains("milestone:5:exists", changes);
        Assert.DoesNotContain("goal:1:title", changes);
    }

    [Fact]
    public void Coalesced_autosaves_keep_where_a_field_started_and_drop_fields_typed_back()
    {
        var first = new List<PlanChange> { new("aspirations", "A", "AB"), new("reflection", "", "x") };
        var second = new List<PlanChange> { new("aspirations", "AB", "ABC"), new("reflection", "x", "") };

        var combined = PlanEditing.Coalesce(first, second);

        Assert.Equal([new PlanChange("aspirations", "A", "ABC")], combined);
    }

    private sealed class ProblemComparer : IEqualityComparer<PlanProblem>
    {
        public static readonly ProblemComparer Instance = new();

        public bool Equals(PlanProblem? x, PlanProblem? y) => x?.Field == y?.Field && x?.MessageKey == y?.MessageKey;

        public int GetHashCode(PlanProblem obj) => HashCode.Combine(obj.Field, obj.MessageKey);
    }
}
